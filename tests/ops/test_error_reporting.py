"""Error reports (Sentry): off without SENTRY_DSN, and never carrying a person's data when on."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
import sentry_sdk
from django.conf import settings as django_settings

from pembinaan.ops.error_reporting import start_error_reporting
from pembinaan.ops.scrubbing import scrub_event

NIK = "6371011506850001"
PHONE = "+6281299887766"
PHONE_LOCAL = "0812-9988-7766"
EMAIL = "siti.rahmawati@contoh.test"
NAME = "Siti Rahmawati"


def _event() -> dict:
    """An event as Sentry's Django integration builds it, with personal data wherever it can hide."""
    return {
        "message": f"Pendaftaran {NIK} gagal",
        "logentry": {
            "message": "Nomor %s ditolak",
            "params": [PHONE_LOCAL],
            "formatted": f"Nomor {PHONE_LOCAL} ditolak",
        },
        "exception": {
            "values": [
                {
                    "type": "ValidationError",
                    "value": f"NIK {NIK} sudah terdaftar untuk {PHONE}",
                    "stacktrace": {"frames": [{"function": "owner_create", "vars": {"name": NAME}}]},
                }
            ]
        },
        "request": {
            "method": "POST",
            "url": f"https://umkm.example.go.id/daftar/pemilik/?nik={NIK}",
            "query_string": f"nik={NIK}",
            "data": {"name": NAME, "nik": NIK, "phone": PHONE},
            "cookies": {"sessionid": "abc"},
            "headers": {
                "Host": "umkm.example.go.id",
                "Cookie": "sessionid=abc",
                "Referer": f"https://umkm.example.go.id/daftar/verifikasi/?cari={NIK}",
                "X-Forwarded-For": "36.68.1.2",
                "User-Agent": "Mozilla/5.0",
            },
            "env": {"REMOTE_ADDR": "36.68.1.2"},
        },
        "user": {"id": "42", "username": NAME, "email": EMAIL, "ip_address": "36.68.1.2"},
        "extra": {"owner": {"nik": NIK, "phone": PHONE, "email": EMAIL}, "row": 7},
        "breadcrumbs": {
            "values": [
                {
                    "category": "httplib",
                    "data": {"url": f"https://sms.example/kirim?to={PHONE}", "http.query": f"to={PHONE}"},
                },
                {"category": "query", "message": f"SELECT ... WHERE nik = '{NIK}'"},
            ]
        },
    }


def test_the_scrubber_leaves_no_nik_phone_email_or_name_in_an_event():
    scrubbed = json.dumps(scrub_event(_event(), {}))

    for value in (NIK, PHONE, PHONE_LOCAL, PHONE[3:], EMAIL, NAME, "36.68.1.2", "sessionid"):
        assert value not in scrubbed


def test_the_scrubber_keeps_what_is_needed_to_find_the_bug():
    event = scrub_event(_event(), {})

    assert event["exception"]["values"][0]["type"] == "ValidationError"
    assert event["exception"]["values"][0]["value"] == "NIK [NIK] sudah terdaftar untuk [telepon]"
    assert event["message"] == "Pendaftaran [NIK] gagal"
    assert event["request"]["url"] == "https://umkm.example.go.id/daftar/pemilik/"
    assert event["request"]["headers"] == {"Host": "umkm.example.go.id", "User-Agent": "Mozilla/5.0"}
    assert event["user"] == {"id": "42"}
    assert event["extra"]["row"] == 7
    assert event["breadcrumbs"]["values"][0]["data"] == {"url": "https://sms.example/kirim"}


def test_sentry_is_not_started_without_a_dsn(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda *args, **kwargs: calls.append(kwargs))
    settings.SENTRY_DSN = ""

    assert start_error_reporting() is False
    assert calls == []
    assert not sentry_sdk.get_client().is_active()  # nor by the portal's start-up in this process


def test_sentry_starts_with_a_dsn_without_personal_data_and_with_environment_and_release(
    settings, monkeypatch
):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda *args, **kwargs: calls.append(kwargs))
    settings.SENTRY_DSN = "https://public@errors.example.go.id/3"
    settings.SENTRY_ENVIRONMENT = "produksi"
    settings.SENTRY_RELEASE = "portal@2026.12.1"

    assert start_error_reporting() is True

    (options,) = calls
    assert options["dsn"] == "https://public@errors.example.go.id/3"
    assert options["send_default_pii"] is False
    assert options["before_send"] is scrub_event
    assert options["before_send_transaction"] is scrub_event
    assert options["traces_sample_rate"] is None
    assert options["include_local_variables"] is False
    assert options["max_request_body_size"] == "never"
    assert (options["environment"], options["release"]) == ("produksi", "portal@2026.12.1")


class _Collector(BaseHTTPRequestHandler):
    """Stands in for the Sentry server: keeps every envelope posted to it, decompressed."""

    received: list[str] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.received.append(body.decode("utf-8", "replace"))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_real_error_report_reaches_sentry_without_personal_data(sentry_server, tmp_path):
    # A page that fails with a NIK and a phone number in its message, posted with personal data in
    # the query string, the body and the headers; the portal's own start-up turns Sentry on.
    (tmp_path / "failing_urls.py").write_text(
        textwrap.dedent(
            f"""
            from django.urls import path

            def fails(request):
                raise ValueError("NIK {NIK} tidak cocok dengan {PHONE_LOCAL}")

            urlpatterns = [path("gagal/", fails)]
            """
        )
    )
    script = textwrap.dedent(
        f"""
        import django
        django.setup()
        import sentry_sdk
        from django.conf import settings
        from django.test import Client
        settings.ROOT_URLCONF = "failing_urls"
        response = Client(raise_request_exception=False).post(
            "/gagal/?cari={NIK}",
            {{"nama": "{NAME}", "telepon": "{PHONE}", "email": "{EMAIL}"}},
            headers={{"Referer": "https://umkm.example.go.id/?cari={NIK}", "X-Forwarded-For": "36.68.1.2"}},
        )
        assert response.status_code == 500, response.status_code
        sentry_sdk.flush(10)
        """
    )
    port = sentry_server.server_address[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(Path(django_settings.BASE_DIR))]),
        "DJANGO_SETTINGS_MODULE": "umkm_portal.settings",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/1",
        "SENTRY_RELEASE": "portal@uji",
    }
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120, capture_output=True)

    sent = "\n".join(_Collector.received)
    assert "ValueError" in sent and "portal@uji" in sent  # the report did arrive
    assert "[NIK]" in sent
    for value in (NIK, PHONE, PHONE_LOCAL, EMAIL, NAME, "36.68.1.2"):
        assert value not in sent
