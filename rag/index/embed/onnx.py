"""The embedder on ONNX Runtime: the same local sentence-transformers model, 2-3x faster on a CPU.

The model is exported once from its local folder (PyTorch's ONNX exporter, offline), its
attention is fused by ONNX Runtime's transformer optimizer, and, with `quantize=True`, its
weights become 7-bit integers per output channel. The result is cached as a file, so later runs
load it in a fraction of a second without importing torch at all (faster start-up, less memory).

Why 7 bits: ONNX Runtime multiplies u8 activations by s8 weights. With VNNI (AVX-512 or AVX)
the products are summed in 32 bits; on AVX2 without VNNI, pairs of products are first added in
16 bits, which saturates when |weight| is near 127 (255 * 127 * 2 > 32767), so the same model
gave other vectors on other CPUs. With |weight| <= 64 a pair is at most 32640: no saturation,
every CPU computes the same integers, and the vectors agree to float rounding
(tests/integration/test_embed_onnx.py checks both the kernel and the exported weights).

Outputs against the PyTorch fp32 model: fp32 to about 1e-7 cosine, int8 to a mean of 0.992
(README, Performance). Mean pooling and unit length, as the model's own `1_Pooling` config says.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.errors import ConfigError

# ONNX Runtime's PyPI build sends usage telemetry (it looks up mobile.events.data.microsoft.com
# when a session starts); this must be set before onnxruntime is imported. Nothing leaves the machine.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

EXPORT_VERSION = 3  # 3: 7-bit weights. Bump when the export recipe changes, so cached files are made anew
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
WEIGHT_LIMIT = 64  # the largest |int8 weight| that no CPU's int8 kernel saturates on (see above)


def model_key(model_dir: Path, quantize: bool) -> str:
    """A cache key for the exported file: model weights (size, mtime), recipe version and variant."""
    parts = [str(EXPORT_VERSION), "int8" if quantize else "fp32"]
    for name in ("config.json", "model.safetensors", "pytorch_model.bin"):
        path = model_dir / name
        if path.exists():
            st = path.stat()
            parts.append(f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def check_mean_pooling(model_dir: Path) -> None:
    """Raise ConfigError unless the model pools by mean (the only pooling implemented here)."""
    pooling = _read_json(model_dir / "1_Pooling" / "config.json")
    if pooling and not pooling.get("pooling_mode_mean_tokens"):
        raise ConfigError(
            f"{model_dir} does not use mean pooling; set RAG_EMBED_BACKEND=torch to run it with sentence-transformers"
        )


def exported_model(model_dir: Path, cache_dir: Path, quantize: bool) -> Path:
    """Path of the ONNX file for this model, exporting (and quantizing) it on first use."""
    dst = Path(cache_dir).expanduser() / f"{model_dir.name}-{model_key(model_dir, quantize)}.onnx"
    if dst.exists():
        return dst
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the model cache {dst.parent}/ ({exc}); set RAG_MODEL_CACHE") from exc
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}")
    try:
        _export(model_dir, tmp.with_suffix(".raw"))
        _optimize(tmp.with_suffix(".raw"), tmp.with_suffix(".opt"), _read_json(model_dir / "config.json"))
        if quantize:
            _quantize(tmp.with_suffix(".opt"), tmp)
        else:
            tmp.with_suffix(".opt").rename(tmp)
        os.replace(tmp, dst)  # atomic: a second process exporting at once just wins or loses the race
    finally:
        for leftover in (tmp, tmp.with_suffix(".raw"), tmp.with_suffix(".opt")):
            leftover.unlink(missing_ok=True)
    return dst


def _export(model_dir: Path, out: Path) -> None:
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    class LastHidden(torch.nn.Module):
        def __init__(self, model: torch.nn.Module):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    # Eager attention exports as the plain MatMul/Softmax pattern that ONNX Runtime fuses into one
    # Attention op; the default SDPA path exports Where/IsNaN masking that it cannot fuse (1.4x slower).
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager")
    model = LastHidden(model).eval()
    # Two rows of different length, so the traced graph handles padding and any batch size.
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    mask = (ids != 0).long()
    axes = {name: {0: "batch", 1: "seq"} for name in (*INPUTS, "last_hidden_state")}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (ids, mask, torch.zeros_like(ids)),
            str(out),
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def _optimize(src: Path, dst: Path, config: dict) -> None:
    """Fuse attention, layer norm and GELU (ONNX Runtime's BERT optimizer)."""
    from onnxruntime.transformers import optimizer

    opt = optimizer.optimize_model(
        str(src),
        model_type="bert",
        num_heads=int(config.get("num_attention_heads", 0)),
        hidden_size=int(config.get("hidden_size", 0)),
        opt_level=1,
    )
    opt.save_model_to_file(str(dst))


def _quantize(src: Path, dst: Path) -> None:
    """7-bit weights (reduce_range: in [-64, 64]), one scale per output channel (per-tensor scales
    cost more accuracy); activations are quantized to u8 per run."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantizer calls logging.basicConfig(), which would leave a root handler behind that prints
    # every library's debug lines (bm25s's, for one) for the rest of the process.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    logging.disable(logging.WARNING)  # its advice to pre-process first, printed to the user's terminal
    try:
        quantize_dynamic(
            str(src),
            str(dst),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,  # the same integers on every CPU (module docstring)
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        logging.disable(logging.NOTSET)
        for h in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(h)
        root.setLevel(level)


def exact_twin(src: Path, dst: Path) -> Path:
    """Write the int8 model `src` as u8 x u8 with weight zero point 128: the same integer math, on
    ONNX Runtime's u8 x u8 kernel, which widens to 16 bits before multiplying and never saturates.

    Its vectors are what a VNNI CPU computes for `src` (exact 32-bit sums), on any CPU: the
    bench and the tests compare them with `src`'s to show that both kernel paths agree.
    """
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(src))
    tensors = {t.name: t for t in model.graph.initializer}
    weight_input = {"MatMulInteger": (1, 3), "QAttention": (1, 7)}  # (weight, weight zero point)
    shifted: set[str] = set()
    for node in model.graph.node:
        if node.op_type not in weight_input:
            continue
        for i in weight_input[node.op_type]:
            name = node.input[i] if i < len(node.input) else ""
            if not name or name in shifted or name not in tensors:
                raise ValueError(f"{src}: {node.op_type} {node.name} has no constant int8 input {i}")
            t = tensors[name]
            if t.data_type != onnx.TensorProto.INT8:
                raise ValueError(f"{src}: {name} is not int8")
            shifted_values = (numpy_helper.to_array(t).astype(np.int16) + 128).astype(np.uint8)
            t.CopyFrom(numpy_helper.from_array(shifted_values, name))
            shifted.add(name)
    if not shifted:
        raise ValueError(f"{src} has no int8 weights")
    onnx.save(model, str(dst))
    return Path(dst)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


class OnnxSession:
    """Tokenizer + ONNX Runtime session + mean pooling; loads lazily, once, thread-safe."""

    def __init__(
        self,
        model_dir: Path,
        cache_dir: Path,
        quantize: bool,
        max_tokens: int,
        threads: int | None = None,
        onnx_file: Path | None = None,
    ):
        check_mean_pooling(model_dir)
        self.model_dir, self.cache_dir, self.quantize = model_dir, Path(cache_dir), quantize
        self.onnx_file = onnx_file  # a given model file instead of the exported one (exact_twin's)
        self.max_tokens, self.threads = max_tokens, threads
        self._lock = threading.Lock()
        self._session = None
        self._workers: list = []
        self._encoder = None
        self._counter = None

    def _tokenizer(self, truncate: bool):
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        # tokenizer.json carries its own limits (128, fixed padding); the model's are what count.
        tok.no_padding()
        if truncate:
            tok.enable_truncation(self.max_tokens)
            tok.enable_padding(pad_id=tok.token_to_id("[PAD]") or 0)
        else:
            tok.no_truncation()
        return tok

    @property
    def counter(self):
        if self._counter is None:
            self._counter = self._tokenizer(truncate=False)
        return self._counter

    def load(self):
        """The session for single calls (questions), on `threads` cores (default: one).

        One thread: a question is one short text, and ONNX Runtime's pool threads cost more to wake
        and spin than they save (29 -> 18.5 ms CPU per `ask`); requests served at once run side by
        side on their own cores instead. The vectors are the same (checked on the eval questions)."""
        with self._lock:
            if self._session is None:
                self._encoder = self._tokenizer(truncate=True)
                self._session = self._new_session(self.threads)
            return self._session

    def workers(self) -> list:
        """One single-threaded session per core, for embedding many batches side by side."""
        self.load()
        with self._lock:
            if not self._workers:
                self._workers = [self._new_session(1) for _ in range(self.threads or os.cpu_count() or 1)]
            return self._workers

    def _new_session(self, threads: int | None):
        return cpu_session(
            str(self.onnx_file or exported_model(self.model_dir, self.cache_dir, self.quantize)), threads
        )

    def count_tokens(self, text: str) -> int:
        return len(self.counter.encode(text, add_special_tokens=True).ids)

    def embed(self, texts: Sequence[str], session=None) -> np.ndarray:
        """Mean-pooled token vectors of `texts` (not yet unit length), on `session` or the main one."""
        session = session or self.load()
        enc = self._encoder.encode_batch(list(texts))
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        return mean_pool(self._run(session, enc, mask), mask)

    def embed_spans(self, text: str, spans: Sequence[tuple[int, int]], session=None) -> tuple[np.ndarray, np.ndarray]:
        """One forward pass over `text`: its mean-pooled vector, and that of each character span's
        tokens (a row of NaN for a span with no whole token inside). Neither is unit length yet."""
        session = session or self.load()
        enc = self._encoder.encode(text)
        mask = np.array([enc.attention_mask], dtype=np.int64)
        hidden = self._run(session, [enc], mask)
        return mean_pool(hidden, mask)[0], span_pool(hidden[0], enc.offsets, enc.special_tokens_mask, spans)

    def _run(self, session, enc: list, mask: np.ndarray) -> np.ndarray:
        """The model's last hidden states, [texts, tokens, dim]."""
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        wanted = {i.name for i in session.get_inputs()}
        return session.run(None, {k: v for k, v in feed.items() if k in wanted})[0]


def cpu_session(model: str | bytes, threads: int | None = None):
    """An ONNX Runtime CPU session for a model file's path or a serialized model, on `threads`
    cores (default one), whose idle threads sleep instead of spinning."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads or 1
    opts.inter_op_num_threads = 1  # operators run in sequence: no second pool
    # Idle pool threads spin for a while before sleeping, burning a core other requests want.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])


def span_pool(
    hidden: np.ndarray, offsets: Sequence[tuple[int, int]], special: Sequence[int], spans: Sequence[tuple[int, int]]
) -> np.ndarray:
    """Mean of the token vectors (`hidden`, [tokens, dim]) that lie wholly inside each character
    span; NaN where none does. `offsets` are the tokens' character spans, `special` marks [CLS]/[SEP].

    >>> h = np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [0.0, 0.0]])
    >>> offs, special = [(0, 0), (0, 3), (4, 7), (8, 9), (0, 0)], [1, 0, 0, 0, 1]
    >>> span_pool(h, offs, special, [(0, 7), (8, 9), (3, 4)]).tolist()
    [[2.0, 3.0], [5.0, 6.0], [nan, nan]]
    """
    starts = np.array([a for a, _ in offsets])
    ends = np.array([b for _, b in offsets])
    real = (np.asarray(special) == 0) & (ends > starts)
    out = np.full((len(spans), hidden.shape[-1]), np.nan, dtype=np.float32)
    for i, (a, b) in enumerate(spans):
        inside = real & (starts >= a) & (ends <= b)
        if inside.any():
            out[i] = hidden[inside].mean(axis=0)
    return out


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average of the token vectors that are not padding, per row.

    >>> mean_pool(np.array([[[1.0, 2.0], [3.0, 4.0]]]), np.array([[1, 0]])).tolist()
    [[1.0, 2.0]]
    """
    m = mask[..., None].astype(np.float32)
    return ((hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)).astype(np.float32)
