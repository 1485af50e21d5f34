"""Issue 15: real client addresses behind a configured number of trusted proxies, for the per-IP
limits and for django-axes's lockouts alike; and /admin/login/ behind the same limits as the portal's.

With no proxy (TRUSTED_PROXY_COUNT=0) X-Forwarded-For is anyone's to write and is ignored; behind
one nginx (1) the address nginx appended is the client, whatever the client wrote to its left.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse

from pembinaan.lib.client_address import client_address

pytestmark = pytest.mark.django_db

ROOT = Path(django_settings.BASE_DIR)
PASSWORD = "rahasia-uji-123"
PROXY = "127.0.0.1"  # nginx on the same server
ALICE, BOB = "203.0.113.10", "203.0.113.20"


def _request(remote_addr: str, forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def _via_proxy(client_address_: str, spoofed: str | None = None) -> Client:
    """A browser at `client_address_` behind our nginx, which appends the address it saw."""
    chain = f"{spoofed}, {client_address_}" if spoofed else client_address_
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)


def _login(client: Client, username: str, password: str = PASSWORD, url: str | None = None):
    return client.post(url or reverse("accounts:login"), {"username": username, "password": password})


# --- the rule ---------------------------------------------------------------------------------


def test_with_no_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request(ALICE, forwarded_for="198.51.100.99")) == ALICE


def test_with_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(PROXY, forwarded_for=ALICE)) == ALICE
    # What the client wrote itself stands to the left, and is not believed.
    assert client_address(_request(PROXY, forwarded_for=f"198.51.100.99, 10.0.0.1, {ALICE}")) == ALICE
    assert client_address(_request(PROXY, forwarded_for=f"unknown, not-an-address, {ALICE}")) == ALICE


def test_with_one_proxy_a_client_on_a_private_network_keeps_its_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # A public address written by the client must not win over the private one nginx saw.
    assert client_address(_request(PROXY, forwarded_for="8.8.8.8, 192.168.1.5")) == "192.168.1.5"


def test_with_two_proxies_the_outer_proxy_s_view_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # browser -> load balancer (appends the browser) -> nginx (appends the balancer) -> portal
    assert client_address(_request(PROXY, forwarded_for=f"198.51.100.99, {ALICE}, 10.0.0.2")) == ALICE


def test_ipv6_clients_are_read_as_well(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(PROXY, forwarded_for="2001:db8::7")) == "2001:db8::7"


def test_a_request_that_bypassed_the_proxy_counts_under_its_own_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(ALICE)) == ALICE
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(_request(PROXY, forwarded_for=ALICE)) == PROXY


def _trusted_proxy_count(**env_extra: str) -> int:
    env = {k: v for k, v in os.environ.items() if k not in {"TRUSTED_PROXY_COUNT", "AXES_PROXY_COUNT"}}
    env.update(env_extra, DJANGO_SETTINGS_MODULE="umkm_portal.settings")
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_older_axes_proxy_count_setting_is_still_read_and_the_new_name_wins():
    assert _trusted_proxy_count() == 0
    assert _trusted_proxy_count(AXES_PROXY_COUNT="1") == 1
    assert _trusted_proxy_count(AXES_PROXY_COUNT="1", TRUSTED_PROXY_COUNT="2") == 2


# --- per-IP limits ------------------------------------------------------------------------------


def test_without_a_proxy_a_client_cannot_dodge_the_login_limit_by_writing_the_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.LOGIN_RATE_LIMIT = 3
    settings.AXES_ENABLED = False
    for n in range(3):
        client = Client(REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert _login(client, f"orang{n}@contoh.test", "salah").status_code == 200
    client = Client(REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert _login(client, "orang9@contoh.test", "salah").status_code == 429


def test_behind_the_proxy_one_person_over_the_limit_does_not_shut_everyone_else_out(settings, staff_user):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_RATE_LIMIT = 3
    settings.AXES_ENABLED = False
    for n in range(3):
        # A new spoofed address each time changes nothing: nginx's entry is the one counted.
        assert (
            _login(_via_proxy(ALICE, spoofed=f"198.51.100.{n}"), "x@contoh.test", "salah").status_code == 200
        )
    assert _login(_via_proxy(ALICE, spoofed="198.51.100.77"), "x@contoh.test", "salah").status_code == 429
    # Bob comes through the same proxy: his own count, and he logs in.
    bob = _via_proxy(BOB)
    assert _login(bob, staff_user.email).status_code == 302


def test_registration_posts_are_counted_per_client_behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ENROLMENT_RATE_LIMIT = 2
    url = reverse("enrolment:owner")
    for _ in range(2):
        assert _via_proxy(ALICE, spoofed="198.51.100.5").post(url, {}).status_code != 429
    assert _via_proxy(ALICE, spoofed="198.51.100.6").post(url, {}).status_code == 429
    assert _via_proxy(BOB).post(url, {}).status_code != 429


# --- django-axes lockouts -------------------------------------------------------------------------


def test_behind_the_proxy_a_lockout_is_recorded_against_the_real_client(settings, staff_user):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(_via_proxy(ALICE, spoofed=f"198.51.100.{n}"), staff_user.email, "salah")
    # Alice is locked out for this login name, whatever she writes into the header...
    assert _login(_via_proxy(ALICE, spoofed="198.51.100.250"), staff_user.email).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ALICE}
    # ...and the staff member, at another address behind the same proxy, still logs in.
    assert _login(_via_proxy(BOB), staff_user.email).status_code == 302


def test_without_a_proxy_a_written_header_does_not_lift_a_lockout(settings, staff_user):
    settings.TRUSTED_PROXY_COUNT = 0
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(REMOTE_ADDR=ALICE), staff_user.email, "salah")
    spoofing = Client(REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=BOB)
    assert _login(spoofing, staff_user.email).status_code == 429


# --- /admin/login/ -------------------------------------------------------------------------------


def test_the_admin_login_is_behind_the_same_per_ip_limit_as_the_portal_login(settings, admin_user):
    settings.LOGIN_RATE_LIMIT = 3
    settings.AXES_ENABLED = False
    client = Client(REMOTE_ADDR=ALICE)
    admin_login = reverse("admin:login")
    assert admin_login == "/admin/login/"
    assert _login(client, "a@contoh.test", "salah", url=admin_login).status_code == 200
    assert _login(client, "b@contoh.test", "salah").status_code == 200  # the portal's page: one count
    assert _login(client, "c@contoh.test", "salah", url=admin_login).status_code == 200
    response = _login(client, admin_user.email, url=admin_login)  # the fourth post, right password
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected, and the admin's login works for it.
    other = Client(REMOTE_ADDR=BOB)
    assert _login(other, admin_user.email, url=admin_login).status_code == 302


def test_the_admin_login_locks_a_login_name_out_after_repeated_failures(settings, admin_user):
    client = Client(REMOTE_ADDR=ALICE)
    admin_login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, admin_user.email, "salah", url=admin_login)
    response = _login(client, admin_user.email, url=admin_login)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lockout is the login name's, on both login pages.
    assert _login(client, admin_user.email).status_code == 429
