#!/bin/sh
# deploy/manage.sh <command> [arguments]: run manage.py on the server as the portal's user (umkm)
# with the settings the systemd units use (/etc/umkm-portal/portal.env). Run it as root (sudo), e.g.
#   sudo /srv/umkm-portal/app/deploy/manage.sh migrate
#   sudo /srv/umkm-portal/app/deploy/manage.sh createsuperuser
# UMKM_APP and UMKM_ENV_FILE name another checkout or environment file.
set -eu
APP="${UMKM_APP:-/srv/umkm-portal/app}"
ENV_FILE="${UMKM_ENV_FILE:-/etc/umkm-portal/portal.env}"
cd "$APP"
exec runuser -u umkm -- sh -c 'set -a; . "$0"; set +a; exec .venv/bin/python manage.py "$@"' "$ENV_FILE" "$@"
