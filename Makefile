# Masterplan Tracker — `make run` sets everything up and serves the demo; `make test` runs all tests.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install system-packages venv translations assets schema lint bench clean

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	bash .ci/test

install: system-packages venv translations assets

# Debian packages: Chromium for chart images and browser tests, Pango for PDF, poppler for checks.
system-packages:
	@bash .ci/system-packages

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -d $(VENV) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

translations: venv
	$(FLASK) translations compile

# Brotli and gzip copies of the static files beside them, served by WhiteNoise (build output, not in git).
assets: venv
	$(PY) -m whitenoise.compress --quiet static

# Regenerate the initial migration from the models (allowed until the first release).
schema: venv
	rm -f migrations/versions/0001_initial_schema.py
	tmp=$$(mktemp -d) && DATABASE_URL=sqlite:///$$tmp/schema.sqlite $(FLASK) db migrate -m "initial schema" \
	  --rev-id 0001 && rm -rf $$tmp

lint: venv
	$(VENV)/bin/ruff check tracker tests benchmarks wsgi.py

clean:
	rm -rf $(VENV) instance/tracker.sqlite*
