"""Issue 14, in the browser on a phone: an owner who registered with a phone number only (no email)
confirms the number with the WhatsApp code, later forgets the password, gets a new code by WhatsApp
and logs in again with the number. WhatsApp is a real HTTP server on 127.0.0.1 standing in for the
WhatsApp Business Cloud API; the messages leave through the outbox and a real worker process.
"""

import re
import time

import pytest
from django.core.cache import cache

from pembinaan.accounts.models import User
from tests.e2e.browser import PHONE, check
from tests.e2e.test_journey_owner import PASSWORD, _registered

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NUMBER = "0812-7777-0202"
NEW_PASSWORD = "Pisang-Goreng-Banjar-2027"


def _next_code(gateway, seen: int, timeout: float = 30) -> str:
    """The 6 digits of the first WhatsApp message after the first `seen`, as the worker sends it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(gateway.received) > seen:
            body = gateway.received[seen].json()["text"]["body"]
            return re.search(r"\b(\d{6})\b", body).group(1)
        time.sleep(0.2)
    raise AssertionError("no WhatsApp message reached the gateway")


def test_a_phone_only_owner_confirms_the_number_then_resets_the_password_by_whatsapp(
    browsing, whatsapp_gateway, settings
):
    cache.clear()  # the per-IP limits start from zero
    # The worker sends the messages: it gets the same gateway settings as the live server.
    browsing.workers.restart_all(
        WHATSAPP_API_URL=settings.WHATSAPP_API_URL,
        WHATSAPP_TOKEN=settings.WHATSAPP_TOKEN,
        WHATSAPP_PHONE_NUMBER_ID=settings.WHATSAPP_PHONE_NUMBER_ID,
        MESSAGE_TIMEOUT="2",
    )
    page = browsing.page(viewport=PHONE)
    _registered(page, phone=NUMBER, email="")

    # The last page asks for the code WhatsApp brought; until then the number is no login.
    code = _next_code(whatsapp_gateway, 0)
    box = page.locator("[data-phone-confirm]")
    assert NUMBER in box.inner_text()
    box.locator("input[name=code]").fill(code)
    box.get_by_role("button", name="Konfirmasi nomor").click()
    page.wait_for_load_state()
    assert page.get_by_text("Nomor HP Anda sudah dikonfirmasi").is_visible()
    assert User.objects.get(phone="+6281277770202").phone_confirmed
    check(page, "journey-phone-01-confirmed")

    # Some weeks later, on another phone, the password is forgotten.
    page = browsing.page(viewport=PHONE)
    page.goto("/akun/masuk/")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    page.wait_for_url("**/akun/lupa-kata-sandi/")
    seen = len(whatsapp_gateway.received)
    page.locator("input[name=email]").fill(NUMBER)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/akun/lupa-kata-sandi/kode/")
    check(page, "journey-phone-02-enter-code")
    code = _next_code(whatsapp_gateway, seen)
    assert whatsapp_gateway.received[seen].json()["to"] == "6281277770202"
    assert page.locator("input[name=identifier]").input_value() == NUMBER
    page.locator("input[name=code]").fill(code)
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/akun/atur-ulang/selesai/")

    # The old password is gone; the new one opens Usaha Saya with the number.
    page.goto("/akun/masuk/")
    page.locator("input[name=username]").fill(NUMBER)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert "/akun/masuk/" in page.url
    browsing.login(page, NUMBER, NEW_PASSWORD)
    page.goto("/usaha-saya/")
    assert page.get_by_role("heading", name="Usaha Saya").is_visible()
    assert page.get_by_text("Amplang Bu Siti Uji").is_visible()
    check(page, "journey-phone-03-back-in")
