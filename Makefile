# The archive's two everyday commands are `make run` and `make test`; `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
SYSTEM_PACKAGES := ffmpeg espeak-ng gettext fonts-dejavu-core
TEST_SYSTEM_PACKAGES := chromium postgresql redis-server

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

run: install migrate demo ## Install, migrate, load demo content, start web server, worker and upload server on http://127.0.0.1:8000/
	@echo "Starting the archive at http://$(HOST):$(PORT)/ (web server, media worker and tusd; Ctrl-C stops them)"
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' INT TERM EXIT; \
	$(MANAGE) media_worker & \
	$(MANAGE) run_tusd & \
	$(MANAGE) runserver $(HOST):$(PORT) --noreload & \
	wait -n

test: install install-test-system ## Install everything and run the whole test suite (lint, checks, pytest with browser tests)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

install: install-system $(VENV)/.installed locale/vi/LC_MESSAGES/django.mo static/vendor/.built var/bin/tusd ## Virtualenv, Python packages, system programs, compiled translations, browser libraries, tusd

install-system: ## ffmpeg, espeak-ng and gettext from the system packages where missing
	@scripts/ensure-system-packages $(SYSTEM_PACKAGES)

install-test-system: ## Chromium, PostgreSQL and Redis for the browser and engine tests
	@scripts/ensure-system-packages $(TEST_SYSTEM_PACKAGES)

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-no-deps.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-no-deps.txt
	touch $@

static/vendor/.built: package.json package-lock.json scripts/build-static-vendor
	scripts/build-static-vendor

var/bin/tusd: scripts/ensure-tusd
	scripts/ensure-tusd

locale/vi/LC_MESSAGES/django.mo: $(wildcard locale/*/LC_MESSAGES/django.po locale/wagtail-admin/*/LC_MESSAGES/django.po) $(VENV)/.installed
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0

migrate: install ## Apply database migrations (reference data included)
	$(MANAGE) migrate --no-input --verbosity 0

demo: migrate ## Load the demo content and print the demo accounts
	$(MANAGE) load_demo_content
	$(MANAGE) build_datasets

elasticsearch: ## Start a local Elasticsearch 8.19 node (tests and local work only) on http://127.0.0.1:9200; Ctrl-C stops it
	run="$$(scripts/ensure-elasticsearch)" && exec "$$run" 9200 var/elasticsearch

opensearch: ## Start a local OpenSearch 2.19 node on http://127.0.0.1:9200; Ctrl-C stops it
	run="$$(scripts/ensure-opensearch)" && exec "$$run" 9200 var/opensearch

bench: demo ## Measure page weights, SQL queries and server time (results in docs/benchmarks.md)
	$(PY) bench/pages.py

bench-media: install ## Time the video pipeline: wrapper overhead, single decode vs one run per rendition, whole job (results in docs/benchmarks.md)
	$(PY) bench/pipeline.py

bench-mobile: install ## Play a festival entry's 20 s video in Chromium at 400 kbit/s and 400 ms: first frame and play-through, Chromium's HLS and hls.js (results in docs/benchmarks.md)
	$(PY) bench/mobile_video.py $(BENCH_ARGS)

bench-search: install ## Index 100,000 generated entries into Elasticsearch 8, OpenSearch 2 and the database index; time indexing and queries (results in docs/benchmarks.md; BENCH_ARGS="--backends elasticsearch" for one)
	$(PY) bench/search.py $(BENCH_ARGS)

bench-upload: install ## Memory of the Django process and tusd during a generated 2 GB resumable upload (results in docs/benchmarks.md)
	$(PY) bench/upload_memory.py

bench-relevance: install ## Run the search relevance set on the database index and a search node; recall@10 and P@1 per backend (results in docs/benchmarks.md)
	$(PY) bench/relevance.py

bench-load: install ## Anonymous load on gunicorn (production settings, 2 workers) with hey: cache on and off, SQLite and PostgreSQL+Redis (results in docs/benchmarks.md; BENCH_ARGS="--seconds 3" for a quick try)
	$(PY) bench/load.py $(BENCH_ARGS)

messages: install ## Refresh the .po files after changing user-visible strings
	$(MANAGE) makemessages --locale vi --locale en --ignore '.venv/*' --ignore 'var/*' --no-obsolete

lint: install ## ruff and djhtml, checking only
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates

format: install ## Format Python and templates
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

clean: ## Remove the virtualenv and local data (database, uploaded files)
	rm -rf $(VENV) var test-output

.PHONY: help run test install install-system install-test-system migrate demo elasticsearch opensearch bench bench-media bench-mobile bench-search bench-relevance bench-load bench-upload messages lint format clean
