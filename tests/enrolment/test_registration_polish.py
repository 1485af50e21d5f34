"""Issue 14, registration polish: names as on the KTP, plain NIK messages, the owner's own NIK on
the review step, tap targets, the step indicator, and the last page's number and next steps."""

import re

import pytest
from django.urls import reverse

from pembinaan.enrolment.models import Registration
from pembinaan.registry.models import Business, Owner
from tests.enrolment.helpers import business_data, owner_data, register
from tests.factories import OwnerFactory, make_nik

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    ["Hj. Siti Nur'aini", "Muh. Ja'far, S.E.", "Muh. Ja\u2019far", "Nguyễn Thị Lan", "Анна-Мария", "陈美玲"],
)
def test_a_name_of_letters_and_the_marks_on_a_ktp_is_accepted(anon_client, name):
    register(anon_client, owner=owner_data(name=name))
    assert Owner.objects.get().name == name.replace("\u2019", "'")


@pytest.mark.parametrize("name", ["Siti 😀 Aminah", "Siti Aminah 2", "Siti_Aminah", "Siti <b>", "...", "- -"])
def test_a_name_with_emoji_digits_or_symbols_is_refused_with_a_plain_message(anon_client, name):
    response = anon_client.post(reverse("enrolment:owner"), owner_data(name=name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Periksa kembali isian yang ditandai" in html
    assert "Nama hanya boleh berisi huruf" in html or "Tulis nama lengkap Anda dengan huruf" in html
    assert re.search(r'id="id_name"[^>]*is-invalid|is-invalid[^>]*id="id_name"', html)
    assert "owner" not in anon_client.session.get("enrolment", {})


def test_a_business_needs_at_least_one_worker_the_owner_included(anon_client):
    anon_client.post(reverse("enrolment:owner"), owner_data())
    response = anon_client.post(reverse("enrolment:business"), business_data(employees="0"))
    assert response.status_code == 200
    assert "Isi paling sedikit 1: Anda sendiri juga dihitung." in response.content.decode()
    assert not Business.objects.exists()
    assert anon_client.post(reverse("enrolment:business"), business_data(employees="1")).status_code == 302


def test_a_nik_with_an_impossible_birth_date_is_explained_in_plain_words(anon_client):
    response = anon_client.post(reverse("enrolment:owner"), owner_data(nik="6371013206850001"))
    html = response.content.decode()
    assert "Tanggal lahir di NIK (digit 7–12: 320685) tidak masuk akal" in html
    assert "DDMMYY" not in html


def test_the_review_step_shows_the_owner_their_own_nik_in_full(anon_client):
    nik = make_nik(female=True)
    anon_client.post(reverse("enrolment:owner"), owner_data(nik=nik))
    anon_client.post(reverse("enrolment:business"), business_data())
    response = anon_client.get(reverse("enrolment:consent"))
    html = response.content.decode()
    assert f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}" in html
    assert "****" not in html
    # The page with a full NIK is not kept by the browser's or a proxy's cache.
    assert "no-store" in response["Cache-Control"]


def test_the_review_steps_change_links_are_buttons_big_enough_to_tap(anon_client):
    anon_client.post(reverse("enrolment:owner"), owner_data())
    anon_client.post(reverse("enrolment:business"), business_data())
    html = anon_client.get(reverse("enrolment:consent")).content.decode()
    for step in ("owner", "business"):
        link = re.search(rf'<a [^>]*href="{reverse("enrolment:" + step)}"[^>]*>ubah</a>', html)
        assert link and "tap-target" in link.group(0) and "btn" in link.group(0)


def test_the_step_indicator_counts_one_two_three_of_three(anon_client):
    pages = [anon_client.get(reverse("enrolment:owner"))]
    anon_client.post(reverse("enrolment:owner"), owner_data())
    pages.append(anon_client.get(reverse("enrolment:business")))
    anon_client.post(reverse("enrolment:business"), business_data())
    pages.append(anon_client.get(reverse("enrolment:consent")))
    for number, page in enumerate(pages, start=1):
        html = page.content.decode()
        assert f"Langkah {number} dari 3" in html
        assert f'aria-valuenow="{number}"' in html and 'aria-valuemax="3"' in html
        assert f"progress-bar step-bar-{number}" in html
        assert "w-25" not in html and "w-75" not in html


def test_the_last_page_gives_the_registration_number_the_wait_and_a_way_to_usaha_saya(anon_client, settings):
    settings.ENROLMENT_VERIFY_WORKING_DAYS = 7
    response = register(anon_client)
    page = anon_client.get(response.url)
    html = page.content.decode()
    registration = Registration.objects.get()
    assert re.fullmatch(r"REG-\d{4}-\d{6}", registration.number)
    assert registration.number.endswith(f"{registration.pk:06d}")
    assert registration.number in html
    assert "Staf dinas memeriksa data Anda dalam 7 hari kerja" in html
    assert "mendaftar kegiatan pembinaan" in html
    assert f'href="{reverse("ownerspace:home")}"' in html
    assert "Ke Usaha Saya" in html
    # Usaha Saya is where the button leads, and it opens for the new owner.
    assert anon_client.get(reverse("ownerspace:home")).status_code == 200


@pytest.mark.parametrize(
    "email_on_record", ["lama@contoh.test", ""], ids=["record-with-email", "record-without"]
)
def test_a_claimant_is_told_how_a_claim_is_checked_in_the_words_every_registrant_reads(
    anon_client, email_on_record
):
    # Telling only claimants would tell anyone who types a stranger's NIK that the dinas holds it
    # (tests/enrolment/test_claims.py compares the whole pages).
    record = OwnerFactory(email=email_on_record)
    register(anon_client, owner=owner_data(nik=record.nik))
    html = anon_client.get(reverse("enrolment:done")).content.decode()
    assert Registration.objects.get().number in html
    assert "tautan yang kami kirim ke email yang tercatat di dinas" in html and "membawa KTP" in html
    assert record.name not in html and (not email_on_record or email_on_record not in html)


def test_someone_logged_in_who_never_registered_is_sent_home_from_the_last_page(staff_client, viewer_client):
    assert staff_client.get(reverse("enrolment:done")).url == reverse("front:home")
    assert viewer_client.get(reverse("enrolment:done")).url == reverse("front:home")


def test_staff_find_a_registration_in_the_admin_by_the_number_the_owner_reads_out(anon_client, admin_client):
    register(anon_client)
    number = Registration.objects.get().number
    response = admin_client.get(reverse("admin:enrolment_registration_changelist"), {"q": number.lower()})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [Registration.objects.get()]
