"""The server files in deploy/ agree with the portal and with each other: the environment template
names every setting and starts a production portal once its blanks are filled, nginx takes the
largest upload the portal takes and never serves uploaded files, and each timeout sits inside the
next one out. (`make deploy-check` runs nginx -t and systemd-analyze on the same files.)"""

from __future__ import annotations

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
TEMPLATE = DEPLOY / "portal.env.example"
SITE = (DEPLOY / "nginx" / "umkm-portal.conf").read_text()
PROXY = (DEPLOY / "nginx" / "umkm-portal-proxy.conf").read_text()
# Read outside settings.py: by `manage.py backup`, by boto3 through django-storages, by gunicorn.
READ_ELSEWHERE = {"BACKUP_PASSPHRASE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
# Not for the operator: the test suite sets the first, manage.py the second.
TEST_ONLY = {"SQLITE_TEST_NAME", "PORTAL_PROCESS"}


def _template_values() -> dict[str, str]:
    values = {}
    for line in TEMPLATE.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value.removeprefix('"').removesuffix('"')
    return values


def _seconds(text: str, directive: str) -> int:
    return int(re.search(rf"^\s*{directive}\s+(\d+)s;", text, re.MULTILINE).group(1))


def test_the_environment_template_names_every_setting_the_portal_reads():
    in_settings = set(
        re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', (ROOT / "umkm_portal/settings.py").read_text())
    )
    in_gunicorn = set(re.findall(r'"(GUNICORN_[A-Z_]+)"', (DEPLOY / "gunicorn.conf.py").read_text()))
    template = TEMPLATE.read_text()

    missing = sorted(
        name
        for name in (in_settings - TEST_ONLY) | in_gunicorn | READ_ELSEWHERE
        if not re.search(rf"\b{name}\b", template)
    )
    assert in_settings > {"SECRET_KEY", "DATABASE_URL", "FILE_STORAGE", "BACKUP_DIR"}
    assert missing == []


def test_a_posix_shell_reads_the_template_as_systemd_does():
    # deploy/manage.sh reads it with `set -a; . file`: quoting must mean the same to both.
    shell = subprocess.run(
        ["sh", "-c", 'set -a; . "$0"; set +a; env -0', str(TEMPLATE)],  # noqa: S607
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=True,
    )
    seen = dict(item.split("=", 1) for item in shell.stdout.split("\0") if "=" in item)

    assert {name: seen.get(name) for name in _template_values()} == _template_values()
    assert seen["DEFAULT_FROM_EMAIL"] == "Portal UMKM <noreply@umkm.example.go.id>"


def test_the_environment_template_holds_no_secret():
    values = _template_values()

    assert values["SECRET_KEY"] == "" and values["BACKUP_PASSPHRASE"] == ""
    assert all("@" not in v.split("://", 1)[-1].split("/")[0] for v in values.values() if "://" in v)


def _check(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_template_as_shipped_refuses_to_start_until_the_secret_key_is_filled_in():
    result = _check(_template_values())

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_template_with_its_blanks_filled_passes_the_deployment_checklist(tmp_path):
    values = _template_values()
    values.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        BACKUP_PASSPHRASE=secrets.token_urlsafe(32),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        BACKUP_DIR=str(tmp_path / "backups"),
    )

    result = _check(values, "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr


def test_nginx_takes_the_largest_upload_the_portal_takes():
    limit = re.search(r"client_max_body_size\s+(\d+)m;", SITE).group(1)

    assert int(limit) * 1024 * 1024 > settings.IMPORT_MAX_BYTES
    assert int(limit) * 1024 * 1024 > settings.UPLOAD_MAX_BYTES


def test_nginx_never_serves_uploaded_files_from_disk():
    served_from_disk = re.findall(r"^\s*(?:alias|root)\s+(\S+);", SITE, re.MULTILINE)

    assert served_from_disk == ["/var/www/html", "/srv/umkm-portal/static/"]
    assert _template_values()["MEDIA_ROOT"] not in SITE
    assert "location ^~ /media-tidak-dilayani/ {\n        return 404;" in SITE


def test_nginx_limits_login_posts_on_the_portal_and_the_admin_login():
    for path in ("/akun/masuk/", "/admin/login/"):
        block = SITE.split(f"location = {path} {{", 1)[1].split("}", 1)[0]
        assert "limit_req zone=umkm_login" in block
    assert "POST    $binary_remote_addr;" in SITE


def test_each_timeout_ends_inside_the_next_one_out():
    gunicorn = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    unit = (DEPLOY / "systemd" / "umkm-portal.service").read_text()
    stop = int(re.search(r"^TimeoutStopSec=(\d+)$", unit, re.MULTILINE).group(1))

    # The database cancels a statement before gunicorn kills the worker, which happens before nginx
    # gives up on gunicorn: the visitor gets an answer, never a hang.
    assert (
        settings.DB_STATEMENT_TIMEOUT_MS / 1000 < gunicorn["timeout"] < _seconds(PROXY, "proxy_read_timeout")
    )
    # A restart lets workers finish their requests before systemd kills anything.
    assert gunicorn["graceful_timeout"] < stop
    assert gunicorn["max_requests"] > gunicorn["max_requests_jitter"] > 0


def test_nginx_passes_the_client_address_the_scheme_and_a_request_id():
    for header in (
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Request-ID $request_id;",
    ):
        assert header in PROXY
    assert _template_values()["TRUSTED_PROXY_COUNT"] == "1" and _template_values()["BEHIND_PROXY"] == "true"


def test_nginx_logs_paths_without_their_query_strings():
    # Searches by NIK, name or phone travel in query strings (?cari=…): never into /var/log/nginx.
    formats = dict(re.findall(r"log_format\s+(\w+)\s+((?:'[^']*'\s*)+);", SITE))
    used = re.findall(r"^\s*access_log\s+\S+\s+(\w+);", SITE, flags=re.M)
    assert used and all(name in formats for name in used)
    for name in used:
        assert not re.search(r"\$request(?!_method|_id|_time)\w*", formats[name])  # $request, $request_uri
        assert "$args" not in formats[name] and "$query_string" not in formats[name]
        assert "$uri" in formats[name]
