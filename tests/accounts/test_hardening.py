"""Login lockout, idle staff sessions and production cookies (issue 8: hardening)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from pembinaan.accounts.middleware import LAST_SEEN

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "rahasia-uji-123"


def _login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_failures_in_different_spellings_of_one_phone_number_lock_the_owner_out(client, owner_user, settings):
    spellings = ["0812-3450-0001", "+62 812 3450 0001", "6281234500001", "0812.3450.0001", "081234500001"]
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT]:
        _login(client, spelling, "salah")
    response = _login(client, "0812 3450 0001")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Terlalu banyak percobaan masuk" in body
    assert "Coba lagi dalam 30 menit" in body
    assert "_auth_user_id" not in client.session


def test_failures_in_different_letter_cases_of_one_email_lock_the_staff_member_out(
    client, staff_user, settings
):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "staf@dinas.test".upper() if i % 2 else " Staf@Dinas.test ", "salah")
    assert _login(client, "staf@dinas.test").status_code == 429


def test_a_lockout_of_one_account_leaves_other_people_able_to_log_in(
    client, staff_user, owner_user, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "staf@dinas.test", "salah")
    assert _login(client, "pemilik@contoh.test").status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_resets_the_count(
    client, staff_user, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "staf@dinas.test", "salah")
    assert _login(client, "staf@dinas.test").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "staf@dinas.test", "salah")
    assert _login(client, "staf@dinas.test").status_code == 302


def _idle(client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


@pytest.mark.parametrize("persona", ["staff_client", "admin_client"])
def test_staff_are_signed_out_after_the_idle_time_with_a_message(request, persona, settings):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("registry:business-list")).status_code == 200
    _idle(client, settings.STAFF_IDLE_TIMEOUT + 1)
    response = client.get(reverse("registry:business-list"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "tidak ada aktivitas selama 30 menit" in response.content.decode()
    assert client.get(reverse("registry:business-list")).status_code == 302


def test_staff_who_keep_working_stay_signed_in(staff_client, settings):
    staff_client.get(reverse("registry:business-list"))
    _idle(staff_client, settings.STAFF_IDLE_TIMEOUT - 120)
    assert staff_client.get(reverse("registry:business-list")).status_code == 200
    # The request renewed the clock, so another stretch just under the limit is fine too.
    assert int(time.time()) - staff_client.session[LAST_SEEN] < 5


def test_a_staff_session_expires_on_the_server_after_the_idle_time(staff_client, settings):
    staff_client.get(reverse("registry:business-list"))
    assert staff_client.session.get_expiry_age() == settings.STAFF_IDLE_TIMEOUT


def test_the_idle_time_is_configurable(staff_client, settings):
    settings.STAFF_IDLE_TIMEOUT = 5 * 60
    staff_client.get(reverse("registry:business-list"))
    _idle(staff_client, 6 * 60)
    assert staff_client.get(reverse("registry:business-list")).status_code == 302


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
def test_owners_and_council_members_keep_the_ordinary_session_length(request, persona, settings):
    client = request.getfixturevalue(persona)
    client.get(reverse("front:home"))
    assert LAST_SEEN not in client.session
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def _production_settings() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="k8Jw2pQz9vXr4LmN7bT1cY6hF3dS0aGeU5iO-_ZxWqPoRtVbNmLkJhGfDsA",
        ALLOWED_HOSTS="umkm.example.go.id",
        # Production refuses the local-memory cache (issue 15); settings only, Redis is not contacted.
        CACHE_URL="redis://127.0.0.1:6379/1",
        DJANGO_SETTINGS_MODULE="umkm_portal.settings",
    )
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "STAFF_IDLE_TIMEOUT",
        "DEBUG",
    ]
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_hidden_from_scripts_and_staff_sessions_time_out():
    values = _production_settings()
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["DEBUG"] is False
    assert 0 < values["STAFF_IDLE_TIMEOUT"] <= 60 * 60


def test_the_session_cookie_is_sent_httponly(client, staff_user):
    response = _login(client, "staf@dinas.test")
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_one_address_trying_many_login_names_is_stopped_with_a_message(client, staff_user, settings):
    settings.LOGIN_RATE_LIMIT = 4
    for n in range(4):  # a different name each time: no single name reaches the axes lockout
        assert _login(client, f"orang{n}@contoh.test", "salah").status_code == 200
    response = _login(client, staff_user.email)  # even the right password, from this address
    assert response.status_code == 429
    assert "percobaan masuk dari alamat internet Anda dibatasi" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other_address = type(client)(REMOTE_ADDR="10.0.0.9")
    assert _login(other_address, staff_user.email).status_code == 302  # others are unaffected
