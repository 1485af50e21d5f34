#!/usr/bin/env bash
# `make deploy-check`: the files in deploy/ are valid for the tools that will read them on a Debian 12
# server, checked here without installing anything system-wide or starting any service:
# - deploy/gunicorn.conf.py: gunicorn loads it and the portal's WSGI application (--check-config);
# - deploy/nginx/: `nginx -t` on the site and its snippet, in a scratch prefix with a throw-away
#   certificate in place of certbot's;
# - deploy/systemd/: `systemd-analyze verify` on every unit, with the paths pointed at this checkout.
# nginx, openssl and systemd-analyze are installed with apt-get when missing (nginx is not started).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

need() {  # need <command> <Debian package>
  if ! command -v "$1" >/dev/null && [ ! -x "/usr/sbin/$1" ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    # policy-rc.d: Debian's nginx package must not start a server on port 80 here.
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$2" >/dev/null
    $SUDO rm -f /usr/sbin/policy-rc.d
  fi
}
need nginx nginx
need openssl openssl
need systemd-analyze systemd
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

echo "== gunicorn: deploy/gunicorn.conf.py"
.venv/bin/python - <<'EOF'
import runpy

conf = runpy.run_path("deploy/gunicorn.conf.py")
assert conf["timeout"] > conf["graceful_timeout"] > 0, "timeout must exceed graceful_timeout"
assert conf["workers"] >= 1 and conf["max_requests"] > conf["max_requests_jitter"] > 0
print(f"   workers {conf['workers']}, timeout {conf['timeout']} s, graceful {conf['graceful_timeout']} s, "
      f"max_requests {conf['max_requests']}±{conf['max_requests_jitter']}, bind {conf['bind']}")
EOF
.venv/bin/gunicorn --check-config --config deploy/gunicorn.conf.py umkm_portal.wsgi
echo "   gunicorn --check-config: ok"

echo "== nginx -t: deploy/nginx/umkm-portal.conf"
mkdir -p "$SCRATCH/nginx/snippets" "$SCRATCH/nginx/tmp"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
  -keyout "$SCRATCH/nginx/key.pem" -out "$SCRATCH/nginx/cert.pem" 2>/dev/null
sed -e "s#/etc/letsencrypt/live/umkm.example.go.id/fullchain.pem#$SCRATCH/nginx/cert.pem#" \
    -e "s#/etc/letsencrypt/live/umkm.example.go.id/privkey.pem#$SCRATCH/nginx/key.pem#" \
    -e "s#/etc/nginx/snippets/#$SCRATCH/nginx/snippets/#g" \
    -e "s#/var/log/nginx/#$SCRATCH/nginx/#g" \
    deploy/nginx/umkm-portal.conf > "$SCRATCH/nginx/site.conf"
cp deploy/nginx/umkm-portal-proxy.conf "$SCRATCH/nginx/snippets/"
cat > "$SCRATCH/nginx/nginx.conf" <<EOF
pid $SCRATCH/nginx/nginx.pid;
error_log $SCRATCH/nginx/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $SCRATCH/nginx/tmp/body;
    proxy_temp_path $SCRATCH/nginx/tmp/proxy;
    fastcgi_temp_path $SCRATCH/nginx/tmp/fastcgi;
    uwsgi_temp_path $SCRATCH/nginx/tmp/uwsgi;
    scgi_temp_path $SCRATCH/nginx/tmp/scgi;
    access_log $SCRATCH/nginx/access.log;
    include $SCRATCH/nginx/site.conf;
}
EOF
"$NGINX" -t -q -p "$SCRATCH/nginx" -c "$SCRATCH/nginx/nginx.conf"
echo "   nginx -t: ok ($("$NGINX" -v 2>&1))"

echo "== systemd-analyze verify: deploy/systemd/"
mkdir -p "$SCRATCH/systemd"
for unit in deploy/systemd/*; do
  sed "s#/srv/umkm-portal/app#$ROOT#g" "$unit" > "$SCRATCH/systemd/$(basename "$unit")"
done
cp "$SCRATCH/systemd/umkm-worker@.service" "$SCRATCH/systemd/umkm-worker@1.service"
# systemd-analyze exits 0 after an unknown key or a bad value ("…, ignoring"): any output fails.
complaints="$(cd "$SCRATCH/systemd" && systemd-analyze verify --man=no ./*.service ./*.timer ./*.socket 2>&1)" || true
if [ -n "$complaints" ]; then
  echo "$complaints"
  exit 1
fi
echo "   $(ls deploy/systemd | wc -l) units: ok"
