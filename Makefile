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

.PHONY: run test test-fast lint eval bench load install install-test browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch first, pinned: this machine has its CPU build; a range would pull GBs of CUDA packages.
$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.core
	$(BIN)/pip install -q -e ".[test,llm]"
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

test: install-test browser
	$(BIN)/ruff check .
	$(BIN)/pytest -q --timeout=900
	$(BIN)/rag eval --check

test-fast: install-test
	$(BIN)/pytest -q -m "not slow"

clean:
	rm -rf index .pytest_cache
