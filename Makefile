# The portal's everyday commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrations-check check-deploy bench bench-large bench-smoke loadtest ci clean messages

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	@# The English catalogue: compiled afresh when GNU gettext is here, else the committed .mo serves.
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages -l en --ignore=.venv -v0; \
	else echo "msgfmt not found (Debian: apt-get install gettext): using the committed translations"; fi
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@# A background worker (large exports and imports, emails) runs beside the development server;
	@# Ctrl-C stops both.
	@$(PY) manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The layers of docs/architecture.md (import-linter contracts in pyproject.toml).
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

# Production settings must pass Django's deployment checklist with no warnings at all. Production
# refuses the local-memory cache, so the check names a Redis (it is not contacted).
check-deploy: install
	DJANGO_ENV=production SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=umkm.example.go.id CACHE_URL=redis://127.0.0.1:6379/1 \
	$(PY) manage.py check --deploy --fail-level WARNING

# Speed measurements (see bench/), on PostgreSQL (PG_URL, a server: each bench makes and drops
# databases of its own). Every figure, with its baseline, the ratio and the machine's load, is appended
# to bench/results/latest.md. `bench` seeds 100,000 businesses / 500,000 participations once (timed)
# and measures the dashboard and the exports on that database; `bench-large` does the same at
# 1,000,000 / 5,000,000 (seeding aim: under 15 minutes); `bench-smoke` runs every bench at a few
# hundred rows, to check that none has stopped working (.ci/run does).
BENCH_DB ?= umkm_bench
bench: install
	$(PY) bench/seed_bench.py --businesses 100000 --participations 500000 --keep --database $(BENCH_DB)
	$(PY) bench/dashboard_bench.py --businesses 100000 --participations 500000 --reuse --keep --database $(BENCH_DB)
	$(PY) bench/export_bench.py --reuse --database $(BENCH_DB)
	$(PY) bench/xlsx_writers.py --rows 100000
	$(PY) bench/import_bench.py --rows 100000 --baseline-rows 10000

bench-large: install
	$(PY) bench/seed_bench.py --businesses 1000000 --participations 5000000 --keep --database $(BENCH_DB)_large
	$(PY) bench/dashboard_bench.py --businesses 1000000 --participations 5000000 --reuse --database $(BENCH_DB)_large --naive-runs 1

bench-smoke: install
	$(PY) bench/seed_bench.py --smoke
	$(PY) bench/seed_bench.py --smoke --sqlite
	$(PY) bench/dashboard_bench.py --smoke --database $(BENCH_DB)_smoke
	$(PY) bench/export_bench.py --smoke --database umkm_export_bench_smoke
	$(PY) bench/xlsx_writers.py --smoke
	$(PY) bench/import_bench.py --smoke
	$(PY) bench/web_import_bench.py --smoke

# gunicorn + locust for LOADTEST_DURATION (60s) on DATABASE_URL (PostgreSQL); fails on any error.
loadtest: install
	bash bench/loadtest/run.sh

# The cluster drill (deploy/drills/cluster_drill.py): nginx in front of two gunicorn instances in
# production mode on one PostgreSQL and one Redis, with a worker; load, the login limit, a killed
# worker and instance, slow clients. Prints the figures; fails on any failed check.
# `make cluster-test CLUSTER_DRILL_ARGS=--short` is the variant .ci/run runs.
CLUSTER_DRILL_ARGS ?=
.PHONY: cluster-test
cluster-test: install
	$(PY) deploy/drills/cluster_drill.py $(CLUSTER_DRILL_ARGS)

# The restore drill (deploy/drills/restore_drill.py): seed a fresh PostgreSQL database, back it up
# (`manage.py backup`), restore into another fresh one and compare every table's row count, the
# /api/v1/progress/ JSON and every file; prints the durations and sizes, fails on any difference.
RESTORE_DRILL_ARGS ?=
.PHONY: restore-drill
restore-drill: install
	$(PY) deploy/drills/restore_drill.py $(RESTORE_DRILL_ARGS)

# The server files in deploy/ checked with the tools that read them: gunicorn --check-config,
# nginx -t (scratch prefix), systemd-analyze verify (deploy/verify.sh; installs nginx when missing).
.PHONY: deploy-check
deploy-check: install
	bash deploy/verify.sh

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) .venv-loadtest staticfiles .pytest_cache .ruff_cache artifacts

# Refresh the English catalogue after changing interface text; commit both .po and .mo.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=static
	$(PY) manage.py compilemessages -l en --ignore=.venv
