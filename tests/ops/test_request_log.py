"""The request log: one JSON line per request, with nothing in it that names a person."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from pembinaan.ops.logs import (
    ExpectedErrorsFilter,
    JsonFormatter,
    PersonalDataFilter,
    RequestIdFilter,
    RequestPathFilter,
)
from pembinaan.registry.models import BusinessStatus
from tests.factories import BusinessFactory, OwnerFactory

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines():
    """What the production handler writes (settings.LOGGING's console handler in JSON), as dicts."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    for log_filter in (RequestIdFilter(), ExpectedErrorsFilter(), PersonalDataFilter()):
        handler.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    # settings.LOGGING puts this one on the django.request logger itself.
    django_request = logging.getLogger("django.request")
    assert any(isinstance(f, RequestPathFilter) for f in django_request.filters)

    def lines(logger: str | None = None) -> list[dict]:
        parsed = [json.loads(line) for line in stream.getvalue().splitlines()]
        return [line for line in parsed if logger is None or line["logger"] == logger]

    lines.text = stream.getvalue  # everything written, to search for what must not be there
    yield lines
    root.removeHandler(handler)


@pytest.fixture
def submitted_owner():
    owner = OwnerFactory(name="Siti Rahmawati Uji", phone="+6281299887766")
    BusinessFactory(owner=owner, name="Warung Siti", status=BusinessStatus.SUBMITTED)
    return owner


def _personal(owner) -> list[str]:
    return [owner.nik, owner.phone, "0" + owner.phone[3:], owner.phone[1:], owner.name]


def test_searching_the_queue_by_nik_and_opening_the_owner_logs_lines_without_their_data(
    nik_staff_client, nik_staff_user, submitted_owner, log_lines
):
    queue = nik_staff_client.get("/daftar/verifikasi/", {"cari": submitted_owner.nik})
    page = nik_staff_client.get(f"/registri/pemilik/{submitted_owner.pk}/")

    # The pages did show the owner (so the test would see a leak), the log does not.
    assert submitted_owner.name in queue.content.decode()
    assert submitted_owner.nik in page.content.decode()
    lines = log_lines("portal.requests")
    assert len(lines) == 2
    search, owner_page = lines
    assert search["path"] == "/daftar/verifikasi/"  # the query string, with the NIK, is dropped
    assert search["view"] == "enrolment:queue"
    assert owner_page["path"] == f"/registri/pemilik/{submitted_owner.pk}/"
    assert owner_page["view"] == "registry:owner-detail"
    for line, response in ((search, queue), (owner_page, page)):
        assert line["method"] == "GET"
        assert line["status"] == 200
        assert line["user_id"] == nik_staff_user.pk
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
        assert HEX_ID.fullmatch(line["request_id"])
        assert response["X-Request-ID"] == line["request_id"]
    written = log_lines.text()
    for value in _personal(submitted_owner):
        assert value not in written


def test_the_anonymous_request_line_has_a_null_user(log_lines):
    Client().get("/kemajuan/")

    (line,) = log_lines("portal.requests")
    assert line["user_id"] is None
    assert line["status"] == 200


def test_a_request_id_set_by_nginx_is_kept_and_an_odd_one_replaced(log_lines):
    client = Client()
    sane = "0123456789abcdef0123456789abcdef"

    kept = client.get("/kemajuan/", headers={"X-Request-ID": sane})
    replaced = client.get("/kemajuan/", headers={"X-Request-ID": 'x" injected\nline'})

    assert kept["X-Request-ID"] == sane
    assert HEX_ID.fullmatch(replaced["X-Request-ID"])
    assert [line["request_id"] for line in log_lines("portal.requests")] == [sane, replaced["X-Request-ID"]]


def test_a_link_carrying_a_token_is_logged_as_its_url_pattern(log_lines):
    token = "rahasia-token-klaim-123"
    Client().get(f"/daftar/konfirmasi/{token}/")
    Client().get("/akun/atur-ulang/MTIz/abc-0123456789abcdef/")

    paths = [line["path"] for line in log_lines("portal.requests")]
    assert paths == ["/daftar/konfirmasi/<str:token>/", "/akun/atur-ulang/<uidb64>/<token>/"]
    assert token not in log_lines.text()


def test_a_nik_typed_where_an_id_goes_is_masked_in_the_log(staff_client, log_lines):
    nik = "6371011506850001"

    response = staff_client.get(f"/registri/pemilik/{nik}/")

    assert response.status_code == 404
    (line,) = log_lines("portal.requests")
    assert line["path"] == "/registri/pemilik/[NIK]/"
    assert nik not in log_lines.text()


def test_a_refused_page_is_one_warning_line_without_a_traceback(owner_client, log_lines, caplog):
    with caplog.at_level(logging.INFO):
        response = owner_client.get("/registri/usaha/")

    assert response.status_code == 403
    (refusal,) = [r for r in caplog.records if r.name == "django.request"]
    assert refusal.levelname == "WARNING"
    assert refusal.exc_info is None
    assert "Traceback" not in log_lines.text()
    assert [line["status"] for line in log_lines("portal.requests")] == [403]


def test_a_page_not_found_is_one_warning_line_without_a_traceback(staff_client, log_lines, caplog):
    with caplog.at_level(logging.INFO):
        response = staff_client.get("/registri/usaha/999999/")

    assert response.status_code == 404
    assert all(r.exc_info is None for r in caplog.records)
    assert "Traceback" not in log_lines.text()


def test_a_server_error_keeps_its_traceback_and_shares_the_request_id(monkeypatch, log_lines):
    def broken(target):
        raise RuntimeError("the figures could not be read")

    monkeypatch.setattr("pembinaan.progress.views._cached_progress", broken)

    response = Client(raise_request_exception=False).get("/kemajuan/")

    assert response.status_code == 500
    (error,) = [line for line in log_lines("django.request") if line["level"] == "ERROR"]
    assert "RuntimeError: the figures could not be read" in error["traceback"]
    (request_line,) = log_lines("portal.requests")
    assert error["request_id"] == request_line["request_id"] == response["X-Request-ID"]


def test_any_nik_or_phone_number_in_a_log_message_is_masked(log_lines):
    logging.getLogger("pembinaan.test").warning(
        "Baris %s ditolak: NIK %s, HP %s", 7, "6371011506850001", "0812-9988-7766"
    )

    (line,) = log_lines("pembinaan.test")
    assert line["message"] == "Baris 7 ditolak: NIK [NIK], HP [telepon]"


def _log_format_in_a_fresh_process(**environment: str) -> str:
    """The console handler's formatter when the settings load with `environment`."""
    script = "from umkm_portal import settings as s; print(s.LOGGING['handlers']['console']['formatter'])"
    env = {k: v for k, v in os.environ.items() if k not in {"LOG_FORMAT", "DJANGO_ENV", "DEBUG"}}
    env.update(PYTHONPATH=str(Path(django_settings.BASE_DIR)), **environment)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def test_production_logs_are_json_and_development_logs_read_as_text():
    production = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k7Qz-" + "x9Lm2Pw4Rt6Yv8Bn1Cd3Fg5Hj7Kl0Zs" * 2,
        "ALLOWED_HOSTS": "umkm.example.go.id",
        "CACHE_URL": "redis://127.0.0.1:6379/2",
    }
    assert _log_format_in_a_fresh_process(**production) == "json"
    assert _log_format_in_a_fresh_process(DJANGO_ENV="development") == "text"
    assert _log_format_in_a_fresh_process(DJANGO_ENV="development", LOG_FORMAT="json") == "json"


def test_a_real_process_with_json_logs_writes_one_parseable_line_per_record():
    script = (
        "import django, logging\n"
        "django.setup()\n"
        "logging.getLogger('pembinaan.test').warning('NIK %s tidak ditemukan', '6371011506850001')\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(django_settings.BASE_DIR)),
        "DJANGO_SETTINGS_MODULE": "umkm_portal.settings",
        "LOG_FORMAT": "json",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )

    lines = [json.loads(line) for line in done.stderr.splitlines()]
    (ours,) = [line for line in lines if line["logger"] == "pembinaan.test"]
    assert ours["message"] == "NIK [NIK] tidak ditemukan"
    assert ours["level"] == "WARNING"
