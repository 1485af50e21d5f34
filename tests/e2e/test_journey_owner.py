"""Journey 1: an owner registers on a phone, signs up for an open workshop and sees the status;
a second owner, signed in elsewhere, cannot reach the first one's pages.

The staff verification between registering and signing up happens through the service, as the
staff journey (test_journey_staff.py) already covers it in the browser.
"""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from pembinaan.accounts import roles
from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.reference.models import Kelurahan
from pembinaan.registry import services as registry
from pembinaan.registry.models import Business, BusinessStatus
from tests.coaching.factories import ActivityFactory
from tests.e2e.browser import PHONE, check
from tests.factories import OwnerFactory, UserFactory, make_nik

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Sasirangan-Banjar-2026"


def _tall_enough_to_tap(locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["height"] >= 44, box


def _front_door_leads_to_step_one(page) -> None:
    """Issue 14: on a phone the landing page's first action is registering, one tap, no menu."""
    page.goto("/")
    check(page, "journey1-00-landing")
    button = page.locator("main").get_by_role("link", name="Daftarkan usaha", exact=True)
    assert button.is_visible()  # without opening the menu
    _tall_enough_to_tap(button)
    button.click()
    page.wait_for_url("**/daftar/pemilik/")
    assert page.get_by_role("heading", name="Data pemilik").is_visible()
    assert page.get_by_text("Langkah 1 dari 3").is_visible()


def _registered(page, *, phone: str = "0812-7777-0101", email: str = "siti.uji@contoh.test") -> Business:
    _front_door_leads_to_step_one(page)
    page.goto("/daftar/")
    check(page, "journey1-01-start")
    page.get_by_role("link", name="Mulai mendaftar").click()
    page.wait_for_load_state()
    check(page, "journey1-02-owner-step")
    # First a mistake: nothing filled in. The errors are announced and the page still fits.
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").first.is_visible()
    check(page, "journey1-03-owner-step-errors")
    page.locator("#id_name").fill("Siti Aminah Uji")
    page.locator("#id_nik").fill(make_nik(female=True))
    page.locator("#id_phone").fill(phone)
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_url("**/daftar/usaha/")
    check(page, "journey1-04-business-step")
    page.locator("#id_name").fill("Amplang Bu Siti Uji")
    page.locator("#id_kelurahan").select_option(value=str(Kelurahan.objects.order_by("code").first().pk))
    page.locator("#id_address").fill("Jl. Kelayan B No. 12")
    page.locator("input[name=kbli_category][value=C]").check()
    page.locator("#id_products").fill("Amplang ikan pipih")
    page.locator("#id_start_year").fill("2019")
    page.locator("#id_employees").fill("3")
    page.locator("#id_annual_sales").fill("60.000.000")
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_url("**/daftar/persetujuan/")
    check(page, "journey1-05-consent-step")
    assert page.get_by_text("Langkah 3 dari 3").is_visible()
    for link in page.locator("main").get_by_role("link", name="ubah").all():
        _tall_enough_to_tap(link)
    page.locator("#id_agree").check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url("**/daftar/selesai/")
    check(page, "journey1-06-done")
    assert page.locator("[data-registration-number]").inner_text().startswith("REG-")
    _tall_enough_to_tap(page.get_by_role("link", name="Ke Usaha Saya"))
    business = Business.objects.get(name="Amplang Bu Siti Uji")
    assert business.status == BusinessStatus.SUBMITTED
    assert business.owner.user.phone == "+62" + phone.replace("-", "")[1:]
    return business


def test_an_owner_registers_on_a_phone_signs_up_and_a_second_owner_cannot_look(browsing):
    cache.clear()  # the per-IP registration limit starts from zero
    workshop = ActivityFactory(
        title="Workshop Kemasan Terbuka Uji",
        start_date=timezone.localdate() + datetime.timedelta(days=10),
        status=Activity.Status.PLANNED,
        open_for_signup=True,
        capacity=20,
    )
    page = browsing.page(viewport=PHONE)
    business = _registered(page)

    # Before verification the owner sees the workshop but is told to wait.
    page.goto("/daftar/kegiatan/")
    assert page.get_by_text("setelah usaha Anda diverifikasi").is_visible()
    check(page, "journey1-07-activities-unverified")

    staff = UserFactory(role=roles.STAFF, email="verifikator@dinas.test")
    registry.business_verify(business=business, by=staff)

    page.goto("/daftar/kegiatan/")
    check(page, "journey1-08-activities")
    card = page.locator("article", has_text=workshop.title)
    card.get_by_role("button", name="Daftar").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"{business.name} terdaftar sebagai peserta").is_visible()
    participation = Participation.objects.get(activity=workshop, business=business)
    assert participation.status == ParticipationStatus.REGISTERED
    check(page, "journey1-09-signed-up")

    # On a phone the menu is folded behind its toggler.
    page.locator(".navbar-toggler").click()
    page.locator("#nav-utama").get_by_role("link", name="Usaha Saya").click()
    page.wait_for_url("**/usaha-saya/")
    assert page.get_by_text("Terverifikasi").first.is_visible()
    check(page, "journey1-10-my-businesses")
    page.get_by_role("link", name=business.name).click()
    page.wait_for_load_state()
    assert page.get_by_text(workshop.title).is_visible()
    assert page.get_by_text("Terdaftar").first.is_visible()
    check(page, "journey1-11-my-business")

    # A second owner, in another browser, reaches none of it: every direct URL answers 404.
    other_user = UserFactory(role=roles.OWNER, email="tetangga@contoh.test", phone="+6281234500077")
    OwnerFactory(user=other_user, name=other_user.full_name, phone=other_user.phone)
    other = browsing.page(viewport=PHONE)
    browsing.login(other, other_user.email)
    for url in (
        f"/usaha-saya/usaha/{business.pk}/",
        f"/usaha-saya/usaha/{business.pk}/ubah/",
        f"/usaha-saya/usaha/{business.pk}/data-tahunan/",
        f"/usaha-saya/usaha/{business.pk}/profil/",
        f"/usaha-saya/usaha/{business.pk}/sertifikat/{participation.pk}/",
    ):
        response = other.goto(url)
        assert response.status == 404, (url, response.status)
    other.problems.clear()  # the browser logs each 404 of the page itself as a console error
    check(other, "journey1-12-other-owner-404")
    other.goto("/usaha-saya/")
    assert business.name not in other.content()
    check(other, "journey1-13-other-owner-home")
    # A forged cancel of the first owner's sign-up is refused and changes nothing.
    token = other.context.cookies()
    csrf = next(c["value"] for c in token if c["name"] == "csrftoken")
    response = other.request.post(
        f"/daftar/kegiatan/peserta/{participation.pk}/batal/",
        headers={"X-CSRFToken": csrf, "Referer": other.url},
    )
    assert response.status == 404
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.REGISTERED
