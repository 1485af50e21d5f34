#!/usr/bin/env bash
# `make loadtest`: the portal under gunicorn on loopback (PostgreSQL), driven by locust headless.
#   DATABASE_URL        default postgres://postgres@127.0.0.1:5432/umkm_load (seeded with demo data if empty)
#   LOADTEST_DURATION   default 60s      LOADTEST_USERS  default 30      LOADTEST_WORKERS  default 3
#   LOADTEST_PORT       default 8765
#   ENROLMENT_RATE_LIMIT default 1000000 here (the per-IP registration limit, raised for the run)
# Fails (non-zero) on any error response, or when a registration locust saw succeed is not in the database.
set -euo pipefail
cd "$(dirname "$0")/../.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/umkm_load}"
DURATION="${LOADTEST_DURATION:-60s}"
USERS="${LOADTEST_USERS:-30}"
WORKERS="${LOADTEST_WORKERS:-3}"
PORT="${LOADTEST_PORT:-8765}"
PY=.venv/bin/python

# locust and gevent stay out of the portal's own environment.
if [ ! -x .venv-loadtest/bin/locust ] || [ bench/loadtest/requirements.txt -nt .venv-loadtest/bin/locust ]; then
  python3 -m venv .venv-loadtest
  .venv-loadtest/bin/pip install --quiet -r bench/loadtest/requirements.txt
fi

# Every virtual user posts registrations from 127.0.0.1: the per-IP registration limit (30 an hour
# by default) would refuse them after a few seconds, so it is raised for this run only.
export ENROLMENT_RATE_LIMIT="${ENROLMENT_RATE_LIMIT:-1000000}"

# Production-like: DEBUG off (no query log), hashed static files, but plain HTTP on loopback.
export DEBUG=false
STATIC_ROOT="$(mktemp -d)"
export STATIC_ROOT
LOG="$(mktemp)"
cleanup() {
  if [ -n "${GUNICORN_PID:-}" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
  rm -rf "$STATIC_ROOT" "$LOG"
}
trap cleanup EXIT

echo "== preparing ${DATABASE_URL##*@}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*)
    server="${DATABASE_URL%/*}"; dbname="${DATABASE_URL##*/}"; dbname="${dbname%%\?*}"
    if ! psql "$server/postgres" -tAc "select 1 from pg_database where datname = '$dbname'" | grep -q 1; then
      psql "$server/postgres" -qc "create database \"$dbname\""
    fi ;;
esac
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo --if-empty
$PY manage.py collectstatic --noinput -v0
$PY manage.py shell -v0 -c "from axes.models import AccessAttempt; AccessAttempt.objects.all().delete()" 2>/dev/null || true

echo "== gunicorn on 127.0.0.1:$PORT with $WORKERS workers"
.venv/bin/gunicorn umkm_portal.wsgi -b "127.0.0.1:$PORT" -w "$WORKERS" --access-logfile - >"$LOG" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/kemajuan/" && break
  sleep 0.5
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/kemajuan/" || { cat "$LOG"; echo "gunicorn did not start"; exit 1; }

REGISTRATIONS_FILE="$(mktemp)"
export LOADTEST_REGISTRATIONS_FILE="$REGISTRATIONS_FILE"
count_registrations() {
  $PY manage.py shell -v0 -c "from pembinaan.enrolment.models import Registration as R; print(R.objects.filter(business__isnull=False).count())"
}
registrations_before=$(count_registrations)

echo "== locust: $USERS users for $DURATION"
status=0
.venv-loadtest/bin/locust -f bench/loadtest/locustfile.py --headless --only-summary \
  -u "$USERS" -r 10 -t "$DURATION" --host "http://127.0.0.1:$PORT" --stop-timeout 5 || status=$?

# Zero lost registrations: every registration locust saw succeed is a row with its business.
registrations_after=$(count_registrations)
registrations_ok=$(cat "$REGISTRATIONS_FILE" 2>/dev/null || echo 0)
rm -f "$REGISTRATIONS_FILE"
gained=$((registrations_after - registrations_before))
echo "registrations: $registrations_ok succeeded in locust, the database gained $gained"
if [ "$registrations_ok" -eq 0 ] || [ "$gained" -ne "$registrations_ok" ]; then
  echo "LOST OR UNCOUNTED REGISTRATIONS"; status=1
fi

server_errors=$(grep -c '" 5[0-9][0-9] ' "$LOG" || true)
echo "gunicorn logged $server_errors responses with status 5xx"
[ "$server_errors" -eq 0 ] || status=1
exit $status
