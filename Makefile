# The two commands of the README: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false
# llama-cpp-python compiles from source: portable flags, no tests or examples (about 4 minutes).
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAVA_BUILD=OFF

.PHONY: run test test-fast test-postgres test-avx2 lint eval bench load screenshots install install-test browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch first, pinned: this machine has its CPU build; a range would pull GBs of CUDA packages.
# constraints.txt pins what a vector depends on (the stored AVX2 vectors are kept only for the same versions).
$(VENV)/.core: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(VENV)/.test: pyproject.toml constraints.txt $(VENV)/.core
	$(BIN)/pip install -q -c constraints.txt -e ".[test,llm]"
	touch $@

install: $(VENV)/.core
install-test: $(VENV)/.test

# Debian's Chromium for the browser tests (Playwright's own browser download fails offline).
browser:
	@command -v chromium >/dev/null || { apt-get update -q && apt-get install -y -q chromium; }

index/manifest.json: install
	$(BIN)/rag ingest

run: install
	$(BIN)/rag ingest
	$(BIN)/python app.py

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Everything a test run writes (eval reports, screenshots, load results) goes to the ignored build/,
# so `git status` stays clean; `make eval`, `make load` and `make screenshots` update the committed ones.
test: install-test browser
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q --timeout=900 -m "not postgres"
	$(MAKE) --no-print-directory test-postgres
	$(BIN)/rag eval --check --reports build/eval
	$(MAKE) --no-print-directory test-avx2

# The other kind of CPU: on a host with VNNI, the eval gate again with the index and question vectors of an
# AVX2-only CPU emulated by qemu-user (about 5 minutes from eval/avx2-vectors.npz, 45-55 when every text must
# be embedded under emulation; a run the emulator crashes goes on from what it wrote).
# Why and how: scripts/avx2gate.sh, README, The embedder.
test-avx2: install-test
	@BIN=$(BIN) bash scripts/avx2gate.sh

# The PostgreSQL store against a real server: pgvector installed once (scripts/pgserver.sh install: Debian's
# trixie source package built against the installed PostgreSQL 15; needs root), a throwaway server in a temp
# folder for this run, stopped and removed however pytest ends (about 40 s; README, PostgreSQL).
test-postgres: install-test
	@dir=$$(mktemp -d /tmp/ragpg.XXXXXX); \
	trap 'bash scripts/pgserver.sh stop "$$dir" >/dev/null 2>&1; rm -rf "$$dir"' EXIT INT TERM; \
	bash scripts/pgserver.sh install && \
	bash scripts/pgserver.sh start "$$dir" >/dev/null && \
	RAGTEST_PG_DIR=$$dir $(BIN)/pytest -q --timeout=900 -m postgres

test-fast: install-test
	$(BIN)/pytest -q -m "not slow"

# Retrieval and answer quality on eval/questions.jsonl: tables, eval/reports/, and the regression gate
# (question by question against eval/baseline.json; see README, Evaluation).
eval: install
	$(BIN)/rag eval --check

# 20 concurrent gradio_client users x 50 questions; 20 clients on /api/ask and /v1/chat/completions (50 each,
# then 20 s each); then 1,000 in a row (about 8 minutes; make test runs it too).
# Writes benchmarks/results/load.json.
load: install-test
	RAG_LOAD_RESULTS=$(CURDIR)/benchmarks/results/load.json $(BIN)/pytest -q -s tests/system/test_load.py

# The README's screenshots (docs/), taken by the browser tests in Debian's Chromium.
screenshots: install-test browser
	RAG_SCREENSHOTS_DIR=$(CURDIR)/docs $(BIN)/pytest -q tests/system/test_browser.py

# Speed and memory: ingest, query latency, app start-up, 10k-1M scale (about 55 minutes on 2 cores).
# Writes benchmarks/results/bench.{json,md} and latency_vs_size.png. Parts: make bench ARGS="--only scale".
# The archive part (a generated news archive, cold ingest) runs only when named: ARGS="--only archive".
bench: install
	$(BIN)/rag bench $(ARGS)

clean:
	rm -rf index .pytest_cache
