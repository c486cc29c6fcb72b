#!/usr/bin/env bash
# avx2gate.sh: the eval gate with the vectors of an emulated AVX2-only CPU (`make test-avx2`).
#
# ONNX Runtime runs other float kernels with AVX-512 than with AVX2, so the vectors differ slightly
# between them (README, The embedder). On a host with VNNI the eval gate runs a second time with the
# vectors of an AVX2-only CPU emulated by QEMU (Debian's qemu-user; it reproduced a real AVX2 CPU's
# eval outcomes, but gets np.argsort wrong on large arrays: README, The embedder): the index is built
# there and the questions are embedded there, then the eval runs here on those vectors, since only
# the embedder depends on the CPU (rag/evaluation/replay.py; the whole eval under emulation took 40
# minutes). First the texts to embed are recorded here (the questions and the answerer's rewritten
# searches, about 1 minute).
#
# qemu-user once crashed (SIGSEGV) in a fresh clone where the same step had passed before. A run
# killed by a signal is run again, at most twice: it keeps the index it built and the vectors it
# wrote (after the index, and every 200 question texts), so it loses minutes, not a new start.
# Any other failure stops at once.
#
# On an AVX2 host the eval gate before this already runs on AVX2 kernels against eval/baseline.json,
# so nothing runs here (the baseline is recorded on either kind; the other kind differs within the
# gate's allowance).
#
# Environment: BIN (the venv's bin, default .venv/bin), OUT (default build).
set -euo pipefail

BIN=${BIN:-.venv/bin}
OUT=${OUT:-build}
CPU=Haswell-noTSX,-pcid,-x2apic,-tsc-deadline,-invpcid

if ! grep -qwE 'avx512_vnni|avx_vnni' /proc/cpuinfo; then
  echo "test-avx2: this CPU has no VNNI; the eval gate above ran on AVX2 against eval/baseline.json"
  exit 0
fi
if ! command -v qemu-x86_64 >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends qemu-user \
    || { apt-get update -q && apt-get install -y -q --no-install-recommends qemu-user; }
fi

rm -rf "$OUT/avx2-index" "$OUT/avx2-vectors.npz" "$OUT/avx2-texts.json"
# The passage, sentence and question vectors an emulated run embedded before: a text whose vector
# is there is not embedded again (the index's 17-25 minutes and the questions' 30 when none is), if
# the file's embedder, CPU flags and versions are this run's and 8 of its vectors embed the same
# here (rag/evaluation/command.py, SPOT_CHECK). To store this run's for the next:
# cp "$OUT/avx2-vectors.npz" eval/avx2-vectors.npz
if [ -f eval/avx2-vectors.npz ]; then
  mkdir -p "$OUT" && cp eval/avx2-vectors.npz "$OUT/avx2-vectors.npz"
fi
"$BIN/rag" eval --no-write --record-queries "$OUT/avx2-texts.json" >/dev/null
echo "eval gate with the index and question vectors of an emulated AVX2 CPU (qemu-x86_64 -cpu $CPU)"
for attempt in 1 2 3; do
  status=0
  qemu-x86_64 -cpu "$CPU" "$BIN/python" "$BIN/rag" eval --index "$OUT/avx2-index" \
    --embed-queries "$OUT/avx2-texts.json" --query-vectors "$OUT/avx2-vectors.npz" || status=$?
  if [ "$status" -eq 0 ]; then
    break
  elif [ "$status" -le 128 ] || [ "$attempt" -eq 3 ]; then
    echo "test-avx2: the emulated run failed (exit $status) on attempt $attempt" >&2
    exit 1
  fi
  echo "qemu-user stopped (exit $status, signal $((status - 128))); running it again: it goes on from what it wrote"
done
"$BIN/rag" eval --check --index "$OUT/avx2-index" --query-vectors "$OUT/avx2-vectors.npz" --reports "$OUT/eval-avx2"
