"""Public and owner pages on a 360×740 phone: accessible, no sideways scrolling, light to load.

Journey 1 (an owner registers on the phone and signs up for a workshop; a second owner cannot
reach the first one's pages) is in test_journey_owner.py.
"""

import gzip

import brotli
import pytest
from django.core.management import call_command

from pembinaan.accounts import roles
from tests.e2e.browser import PHONE, check
from tests.factories import OwnerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PUBLIC_PAGES = {
    "landing": "/",
    "progress": "/kemajuan/",
    "credits": "/kredit/",
    "register": "/daftar/",
    "register-owner-step": "/daftar/pemilik/",
    "open-activities": "/daftar/kegiatan/",
    "directory": "/direktori/",
    "login": "/akun/masuk/",
    "password-reset": "/akun/lupa-kata-sandi/",
    "password-reset-sent": "/akun/lupa-kata-sandi/terkirim/",
    "password-reset-bad-link": "/akun/atur-ulang/MQ/bukan-token/",
    "password-reset-done": "/akun/atur-ulang/selesai/",
    "not-found": "/tidak-ada-halaman-ini/",
}
OWNER_PAGES = {
    "home": "/beranda/",
    "my-businesses": "/usaha-saya/",
    "my-contact": "/usaha-saya/kontak/",
    "my-data": "/data-saya/",
    "password-change": "/akun/kata-sandi/",
    "password-change-done": "/akun/kata-sandi/selesai/",
}
WEIGHT_LIMIT = 200 * 1024


def test_every_public_page_fits_a_phone_and_passes_axe(browsing):
    call_command("seed_demo", "--businesses", "120", "--seed", "5", verbosity=0)
    page = browsing.page(viewport=PHONE)
    for name, url in PUBLIC_PAGES.items():
        response = page.goto(url)
        if name == "not-found":
            assert response.status == 404
            page.problems.clear()  # the browser logs the 404 of the page itself as a console error
        check(page, f"phone-public-{name}")
    # The menu opens by keyboard on a phone-sized screen and its links are reachable.
    page.goto("/")
    toggler = page.locator(".navbar-toggler")
    toggler.focus()
    page.keyboard.press("Enter")
    page.locator("#nav-utama").get_by_role("link", name="Kemajuan", exact=True).wait_for(state="visible")
    check(page, "phone-public-menu-open")


def test_every_page_an_owner_has_fits_a_phone(browsing):
    user = UserFactory(role=roles.OWNER, email="pemilik@contoh.test", phone="+6281234500001")
    OwnerFactory(user=user, name=user.full_name, phone=user.phone)
    page = browsing.page(viewport=PHONE)
    # By keyboard alone: type, Tab to the password, Enter to submit.
    page.goto("/akun/masuk/")
    page.locator("input[name=username]").focus()
    page.keyboard.type("0812-3450-0001")
    page.keyboard.press("Tab")
    page.keyboard.type("rahasia-uji-123")
    page.keyboard.press("Enter")
    page.wait_for_url("**/usaha-saya/")  # owners land on Usaha Saya (issue 6)
    for name, url in OWNER_PAGES.items():
        page.goto(url)
        check(page, f"phone-owner-{name}")
    # A wrong current password: the error is announced and the page still fits.
    page.goto("/akun/kata-sandi/")
    page.locator("#id_old_password").fill("bukan-sandinya")
    page.locator("#id_new_password1").fill("Sandi-Baru-Yang-Panjang-77")
    page.locator("#id_new_password2").fill("Sandi-Baru-Yang-Panjang-77")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback, [role=alert]").first.is_visible()
    check(page, "phone-owner-password-change-error")


def _as_served_in_production(url: str, headers: dict, body: bytes) -> int:
    """Bytes on the wire behind whitenoise: static files pre-compressed (brotli), pages as Django sends them.

    The live server hands out static files uncompressed through Django's staticfiles handler;
    whitenoise (CompressedManifestStaticFilesStorage) serves the brotli file it made at
    collectstatic to any browser that accepts it, so that size is what a phone downloads.
    Django itself does not compress pages (no GZipMiddleware: BREACH), so HTML counts in full.
    """
    if headers.get("content-encoding"):
        return len(body)
    if "/static/" in url:
        return min(len(brotli.compress(body)), len(gzip.compress(body)), len(body))
    return len(body)


def _first_load_weight(page, url: str) -> float:
    """Loads `url` in a fresh context, prints what each request weighs, returns the served total."""
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    rows = []
    for response in responses:
        body = response.body() if response.status not in (301, 302, 304) else b""
        rows.append((response.url, len(body), _as_served_in_production(response.url, response.headers, body)))
    timing = page.evaluate(
        """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                 .reduce((sum, e) => sum + e.encodedBodySize, 0)"""
    )
    raw = sum(r[1] for r in rows)
    served = sum(r[2] for r in rows)
    print(f"\n{url} first load: {len(rows)} requests; {raw / 1024:.1f} KB uncompressed from the live server")
    print(f"  (browser encodedBodySize total {timing / 1024:.1f} KB);")
    print(
        f"  {served / 1024:.1f} KB as served in production (static brotli by whitenoise, HTML uncompressed)"
    )
    for response_url, size, wire in rows:
        print(
            f"  {wire / 1024:7.1f} KB  (raw {size / 1024:7.1f} KB)  "
            f"{response_url.split('//', 1)[1].split('/', 1)[1]}"
        )
    return served


def test_the_public_progress_page_weighs_under_200_kb_on_first_load(browsing):
    call_command("seed_demo", "--businesses", "120", "--seed", "5", verbosity=0)
    served = _first_load_weight(browsing.page(viewport=PHONE), "/kemajuan/")
    assert served < WEIGHT_LIMIT, f"/kemajuan/ transfers {served / 1024:.1f} KB, the limit is 200 KB"


def test_the_registration_page_weighs_under_200_kb_on_first_load(browsing):
    # The first step an owner meets (/daftar/) and the form behind its button (/daftar/pemilik/).
    for url in ("/daftar/", "/daftar/pemilik/"):
        served = _first_load_weight(browsing.page(viewport=PHONE), url)
        assert served < WEIGHT_LIMIT, f"{url} transfers {served / 1024:.1f} KB, the limit is 200 KB"
