# Weft: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo users' password: weft-demo when first loaded; `make run DEMO_PASSWORD=…` sets it,
# on a later run too.
DEMO_PASSWORD ?=

.PHONY: run test lint format bench loadtest faults install migrate demo worker check clean static

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Front-end libraries from npm (versions pinned by package-lock.json), bundled by esbuild.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static: node_modules/.installed
	npm run --silent build

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py loaddemo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")

# Links in emails (invitations, password reset) point at the address runserver listens on,
# unless WEFT_PUBLIC_URL is set.
run: export WEFT_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: demo static
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install static
	$(PY) -m pytest -n auto

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The worker, with beat embedded (-B: the outbox drain, run leases, nightly metrics). In
# production run beat as its own process under a supervisor (Procfile, README).
worker: install
	$(VENV)/bin/celery -A weft worker -B --loglevel=INFO --without-gossip --without-mingle

bench: install
	$(PY) -m bench

# Weft's map and actor PATCH under 32 loopback clients against a bare Django view answering
# the same bytes (bench/loadtest.py); not part of `make bench`.
loadtest: install
	$(PY) -m bench --only loadtest

# Weft under load while its own PostgreSQL, Redis and worker are killed and restarted
# (bench/faults): prints the figures, exits 1 if an acknowledged write is lost or a 500 seen.
faults: install
	$(PY) -m bench.faults

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules static/dist
