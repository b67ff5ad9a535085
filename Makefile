# The two commands a newcomer needs: `make shell` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PIPELINE := nlp/net_pipeline
TRAINED := models/.trained
# Every input of a trained model. SpacyNLP caches by path, so a changed pipeline at the same
# path would not retrain by itself: the patterns are listed here and training is forced.
MODEL_INPUTS := config.yml $(shell find domain data -name '*.yml') $(PIPELINE)/meta.json
ACTION_PORT ?= 5055

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
# TensorFlow threads that fit the 2-core machines this is built and tested on
export TF_INTRA_OP_PARALLELISM_THREADS ?= 2
export TF_INTER_OP_PARALLELISM_THREADS ?= 1
export PYTHONDONTWRITEBYTECODE := 1
# Rasa 3.6's dependencies print pages of their own deprecation notices; people need none of them.
# Sanic turns them back on ("once") when Rasa imports it, so those raised later still print, once.
export PYTHONWARNINGS := ignore::DeprecationWarning
# Slack is optional. credentials.yml names these and Rasa refuses a YAML file whose ${VAR} is
# unset (rasa run and rasa shell alike); left empty, the Slack channel answers 503 "not configured".
export SLACK_TOKEN ?=
export SLACK_SIGNING_SECRET ?=
# the model names a component of this project (nlp.emergency_override): import it from here
export PYTHONPATH := $(CURDIR)

.PHONY: help install pipeline validate train shell actions serve web browser postgres forget lint format test benchmark lock clean

# Every target with a `## ` line after its name is listed by `make help`.
help:  ## this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' | expand -t 18

# --- set-up -------------------------------------------------------------------------------
# Python 3.10 (.python-version): pyenv's, else one on PATH, else one pyenv installed.
PYTHON310 = $(shell (pyenv which python3.10 || command -v python3.10 || ls -d $$HOME/.pyenv/versions/3.10*/bin/python3.10) 2>/dev/null | head -n 1)

install: $(VENV)/.installed  ## the virtual environment from requirements.txt (Python 3.10)

$(VENV)/.installed: requirements.txt requirements.lock .python-version
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 is needed (Rasa 3.6 does not run on 3.11): install it with 'pyenv install 3.10' and run make again."; \
	  exit 1; fi
	@test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -c requirements.lock
	touch $@

pipeline: $(PIPELINE)/meta.json  ## build the spaCy pipeline nlp/net_pipeline from nlp/entity_patterns.yml

$(PIPELINE)/meta.json: nlp/entity_patterns.yml nlp/build_pipeline.py $(VENV)/.installed
	$(BIN)/python nlp/build_pipeline.py $(PIPELINE)

validate: $(PIPELINE)/meta.json  ## rasa data validate over domain/ and data/
	$(BIN)/rasa data validate --domain domain

train: $(TRAINED)  ## train the model when an input changed

$(TRAINED): $(MODEL_INPUTS) $(VENV)/.installed
	$(BIN)/rasa train --force --domain domain --fixed-model-name net-assistant --out models
	touch $@

# --- talking to it ------------------------------------------------------------------------
actions: install pipeline  ## the action server alone (port 5055, or ACTION_PORT)
	$(BIN)/rasa run actions --port $(ACTION_PORT)

shell: train  ## install if needed, train if needed, open the assistant in this terminal
	@$(BIN)/rasa run actions --port $(ACTION_PORT) > actions.log 2>&1 & \
	  trap "kill $$! 2>/dev/null" EXIT; \
	  $(BIN)/rasa shell --model models/net-assistant.tar.gz

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
	  $(BIN)/rasa run --model models/net-assistant.tar.gz --credentials credentials.yml \
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

# Debian's PostgreSQL for the retention test (tests/channels/test_retention.py starts a throwaway
# instance of its own on a free port; no system service is started or needed).
postgres:  ## Debian's PostgreSQL for the retention test
	@ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || { \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends postgresql; }

# --- privacy ------------------------------------------------------------------------------
DAYS ?= 30
forget: install  ## delete conversations older than DAYS days (default 30) from the tracker store
	$(BIN)/python -m retention --days $(DAYS) --endpoints endpoints.yml

# --- checks -------------------------------------------------------------------------------
lint: install  ## ruff (lint and format check) and mypy, configured in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install  ## apply ruff's fixes and formatter
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint validate train web browser postgres  ## lint, install and train if needed, then run every test
	$(BIN)/python -m pytest tests

benchmark: train  ## model load time, reply latency and memory; print the figures
	$(BIN)/python benchmarks/run.py

lock: $(VENV)/.installed  ## regenerate requirements.lock from the installed set
	( echo "# Generated by \`make lock\` from requirements.txt: the full resolved set, used as pip constraints."; \
	  $(BIN)/pip freeze --exclude-editable ) > requirements.lock

clean:  ## remove trained models, the built pipeline and caches
	rm -rf models/*.tar.gz $(TRAINED) $(PIPELINE) .pytest_cache
