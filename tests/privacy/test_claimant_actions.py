"""Data Saya's actions for a claimant: the same answers a new registrant gets, kept on the claim.

Someone who registered with an NIK already on record has no owner record until the claim is proven.
Choosing a channel, withdrawing consent and asking for deletion used to answer 404 for them, which
told anyone who typed a stranger's NIK that the dinas holds it. Their requests are kept on the claim,
never on the claimed record, whose owner they may not be.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from pembinaan.enrolment import services as enrolment
from pembinaan.enrolment.consent import consent_withdrawn
from pembinaan.enrolment.models import ClaimRequest
from pembinaan.privacy import selectors
from pembinaan.privacy.models import AuditEntry, DataRequest, NoticePreference
from pembinaan.registry.models import Owner
from tests.enrolment.helpers import owner_data, register
from tests.factories import BusinessFactory, ClaimRequestFactory, OwnerFactory, UserFactory, make_nik

pytestmark = pytest.mark.django_db

MY_DATA = reverse("privacy:my-data")
CHANNEL = reverse("privacy:notice-channel")
WITHDRAW = reverse("privacy:consent-withdraw")
DELETE = reverse("privacy:deletion-request")


def shape(response) -> tuple:
    """A page without its words: status, where it redirects, templates used, headings in order."""
    html = response.content.decode()
    headings = [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html, re.S)
    ]
    templates = [
        t.name
        for t in response.templates
        if t.name and not t.name.startswith(("enrolment/email/", "notifications/"))
    ]
    return response.status_code, response.get("Location"), templates, headings


@pytest.fixture
def record():
    """A record staff entered earlier, with its own email: the one the claimant's NIK matches."""
    owner = OwnerFactory(name="Hj. Rahmah Lama", email="rahmah.lama@contoh.test", phone="+6281299990001")
    BusinessFactory(owner=owner, name="Kue Bingka Rahmah")
    return owner


@pytest.fixture
def fresh():
    client = Client()
    register(
        client, owner=owner_data(nik=make_nik(female=True), phone="0812-7777-0001", email="baru@contoh.test")
    )
    return client


@pytest.fixture
def claimant(record):
    client = Client()
    register(client, owner=owner_data(nik=record.nik, phone="0812-7777-0002", email="klaim@contoh.test"))
    return client


def claim_of(client) -> ClaimRequest:
    return ClaimRequest.objects.get(user_id=client.session["_auth_user_id"])


def both(fresh, claimant, method: str, url: str, data: dict | None = None, **extra) -> tuple:
    return tuple(getattr(c, method)(url, data or {}, **extra) for c in (fresh, claimant))


# --- The same answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [WITHDRAW, DELETE])
def test_a_claimant_opens_the_request_forms_a_new_registrant_opens(fresh, claimant, url):
    new_page, claim_page = both(fresh, claimant, "get", url)
    assert shape(new_page) == shape(claim_page)
    assert new_page.status_code == 200


def test_a_claimant_chooses_whatsapp_and_sees_it_kept_as_a_new_registrant_does(fresh, claimant, record):
    answers = both(fresh, claimant, "post", CHANNEL, {"channel": "whatsapp"})
    assert [a.status_code for a in answers] == [302, 302]
    assert {a.url for a in answers} == {MY_DATA}

    pages = [c.get(MY_DATA).content.decode() for c in (fresh, claimant)]
    for page in pages:
        assert "Pilihan Anda tersimpan." in page
        assert re.search(r'value="whatsapp"[^>]*checked', page)
    # Kept for the claimant's account, and nothing put on the record they claim.
    account = claim_of(claimant).user
    assert NoticePreference.objects.get(user=account).channel == "whatsapp"
    assert not NoticePreference.objects.filter(owner=record).exists()


def test_email_is_refused_alike_to_a_claimant_and_a_new_registrant_who_gave_none(record):
    fresh, claimant = Client(), Client()
    register(fresh, owner=owner_data(nik=make_nik(), phone="0812-7777-0003", email=""))
    register(claimant, owner=owner_data(nik=record.nik, phone="0812-7777-0004", email=""))

    new_page, claim_page = both(fresh, claimant, "post", CHANNEL, {"channel": "email"})

    assert shape(new_page) == shape(claim_page)
    assert new_page.status_code == 200
    assert "Belum ada alamat email Anda di portal." in claim_page.content.decode()
    assert not NoticePreference.objects.exists()


def test_a_claimant_withdraws_consent_and_sees_what_a_new_registrant_sees(fresh, claimant):
    answers = both(fresh, claimant, "post", WITHDRAW, {"confirm": "on"})
    assert [(a.status_code, a.url) for a in answers] == [(302, MY_DATA), (302, MY_DATA)]

    new_page, claim_page = (c.get(MY_DATA) for c in (fresh, claimant))
    assert shape(new_page) == shape(claim_page)
    html = claim_page.content.decode()
    assert "Persetujuan Anda sudah ditarik dan dicatat." in html
    assert "Penarikan persetujuan" in html and "Diajukan, menunggu diproses" in html
    assert "pengingat kegiatan tidak dikirim lagi" in html
    assert json.loads(claimant.get(reverse("privacy:my-data-download")).content)["consent"]["withdrawn"]


def test_after_withdrawing_a_claimant_still_sees_their_business_as_a_new_registrant_does(fresh, claimant):
    both(fresh, claimant, "post", WITHDRAW, {"confirm": "on"})
    for client in (fresh, claimant):
        page = client.get(reverse("ownerspace:home"))
        assert page.status_code == 200 and "Amplang Bu Siti" in page.content.decode()


def test_a_claimant_cannot_withdraw_twice_any_more_than_an_owner_can(claimant):
    claimant.post(WITHDRAW, {"confirm": "on"})
    again = claimant.post(WITHDRAW, {"confirm": "on"})
    assert again.status_code == 200
    assert "Anda sudah menarik persetujuan" in again.content.decode()
    assert DataRequest.objects.count() == 1


def test_a_claimant_asks_for_deletion_and_sees_what_a_new_registrant_sees(fresh, claimant):
    refused = both(fresh, claimant, "post", DELETE, {})
    assert shape(refused[0]) == shape(refused[1])  # the box must be ticked, by both

    answers = both(fresh, claimant, "post", DELETE, {"confirm": "on", "note": "Salah daftar"})
    assert [(a.status_code, a.url) for a in answers] == [(302, MY_DATA), (302, MY_DATA)]
    new_page, claim_page = (c.get(MY_DATA) for c in (fresh, claimant))
    assert shape(new_page) == shape(claim_page)
    assert "Permintaan penghapusan data sudah diterima." in claim_page.content.decode()

    again = both(fresh, claimant, "post", DELETE, {"confirm": "on"})
    assert shape(again[0]) == shape(again[1])
    assert "sudah diajukan" in again[1].content.decode()


# --- Kept on the claim, never on the record ------------------------------------------------------


def test_a_claimants_requests_are_on_their_claim_and_the_records_owner_sees_none(claimant, record):
    claimant.post(WITHDRAW, {"confirm": "on"})
    claimant.post(DELETE, {"confirm": "on"})
    claim = claim_of(claimant)

    assert set(DataRequest.objects.values_list("claim", "owner")) == {(claim.pk, None)}
    assert not consent_withdrawn(record)
    assert not selectors.owner_requests(record).exists()
    # The claim still waits: how it is proven does not change for having asked.
    claim.refresh_from_db()
    assert claim.status == ClaimRequest.Status.PENDING


def test_once_the_claim_is_proven_the_withdrawal_and_the_channel_hold_for_the_record(claimant, record):
    claimant.post(CHANNEL, {"channel": "whatsapp"})
    claimant.post(WITHDRAW, {"confirm": "on"})

    enrolment.claim_approve(claim=claim_of(claimant), by=None, method=ClaimRequest.Method.EMAIL)

    record.refresh_from_db()
    assert consent_withdrawn(record)
    assert selectors.notice_channel(record) == "whatsapp"
    page = claimant.get(MY_DATA).content.decode()
    assert "Kue Bingka Rahmah" in page  # now the record's own page
    assert "Penarikan persetujuan" in page
    assert "Tarik persetujuan</a>" not in page


# --- What staff see and do -----------------------------------------------------------------------


def test_staff_see_a_claimants_withdrawal_in_the_queue_and_close_it(claimant, staff_client, staff_user):
    claimant.post(WITHDRAW, {"confirm": "on", "note": "Tidak jadi"})
    request = DataRequest.objects.get()
    claim = claim_of(claimant)

    queue = staff_client.get(reverse("privacy:request-list")).content.decode()
    assert "Penarikan persetujuan" in queue and f"klaim #{claim.pk}" in queue and "Siti Aminah" in queue
    detail = staff_client.get(reverse("privacy:request-detail", args=[request.pk])).content.decode()
    assert reverse("enrolment:claim-decide", args=[claim.pk]) in detail
    assert "pengaju klaim yang belum terbukti" in detail and "Tidak jadi" in detail
    assert [e.action for e in AuditEntry.objects.filter(request=request)] == [
        "diajukan",
        "persetujuan-ditarik",
    ]

    staff_client.post(
        reverse("privacy:request-detail", args=[request.pk]), {"process": "1", "response": "Dicatat."}
    )

    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("selesai", staff_user)
    page = claimant.get(MY_DATA).content.decode()
    assert "Selesai diproses" in page and "Dicatat." in page


def test_staff_erase_what_the_claimant_typed_and_leave_the_record_alone(
    claimant, record, staff_client, staff_user
):
    claimant.post(CHANNEL, {"channel": "whatsapp"})
    claimant.post(DELETE, {"confirm": "on"})
    request = DataRequest.objects.get()
    claim = claim_of(claimant)
    account = claim.user
    queue = staff_client.get(reverse("privacy:request-list")).content.decode()
    assert "Penghapusan data" in queue and f"klaim #{claim.pk}" in queue

    response = staff_client.post(reverse("privacy:request-detail", args=[request.pk]), {"process": "1"})

    assert response.status_code == 302
    assert not ClaimRequest.objects.filter(user=account).exists()
    assert not ClaimRequest.history.filter(id=claim.pk).exists()
    assert not NoticePreference.objects.filter(user=account).exists()
    account.refresh_from_db()
    assert not account.is_active and not account.has_usable_password() and account.phone is None
    # The record the claimant typed the NIK of is someone's data, not theirs: untouched.
    kept = Owner.objects.get(pk=record.pk)
    assert (kept.name, kept.nik, kept.email) == ("Hj. Rahmah Lama", record.nik, "rahmah.lama@contoh.test")
    assert kept.businesses.filter(name="Kue Bingka Rahmah").exists()
    request.refresh_from_db()
    assert (request.status, request.claim, request.owner_label) == ("selesai", None, f"klaim #{claim.pk}")
    assert AuditEntry.objects.filter(request=request, action="dihapus", detail=f"klaim #{claim.pk}").exists()
    # The closed account is signed out.
    assert claimant.get(MY_DATA).status_code == 302


# --- Nobody else acts on it ----------------------------------------------------------------------


ACTIONS = [(CHANNEL, {"channel": "whatsapp"}), (WITHDRAW, {"confirm": "on"}), (DELETE, {"confirm": "on"})]


@pytest.mark.parametrize("persona", ["staff_client", "viewer_client", "admin_client"])
@pytest.mark.parametrize(("url", "data"), ACTIONS)
def test_roles_other_than_owner_cannot_use_data_saya_actions(request, claimant, persona, url, data):
    assert request.getfixturevalue(persona).post(url, data).status_code == 403
    assert not DataRequest.objects.exists() and not NoticePreference.objects.exists()


@pytest.mark.parametrize(("url", "data"), ACTIONS)
def test_a_visitor_is_sent_to_log_in(anon_client, claimant, url, data):
    response = anon_client.post(url, data)
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert not DataRequest.objects.exists() and not NoticePreference.objects.exists()


def test_another_owner_acts_only_on_their_own_record_never_on_the_claim(
    claimant, owner_client, owner_user, record
):
    for url, data in ACTIONS:
        owner_client.post(url, data)

    assert set(DataRequest.objects.values_list("owner", "claim")) == {(owner_user.owner_profile.pk, None)}
    assert NoticePreference.objects.get().owner == owner_user.owner_profile
    page = claimant.get(MY_DATA).content.decode()
    assert "Belum ada permintaan." in page


def test_another_claimant_neither_sees_nor_touches_the_first_claimants_requests(claimant):
    claimant.post(WITHDRAW, {"confirm": "on"})
    other = ClaimRequestFactory()
    client = Client()
    client.force_login(other.user)

    page = client.get(MY_DATA).content.decode()
    assert "Belum ada permintaan." in page and "Penarikan persetujuan" not in page
    assert client.post(WITHDRAW, {"confirm": "on"}).status_code == 302
    assert DataRequest.objects.filter(claim=other).count() == 1
    assert DataRequest.objects.filter(claim=claim_of(claimant)).count() == 1


@pytest.mark.parametrize("persona", ["viewer_client", "owner_client"])
def test_only_staff_open_the_queue_and_a_claimants_request(request, claimant, persona):
    claimant.post(DELETE, {"confirm": "on"})
    pk = DataRequest.objects.get().pk
    client = request.getfixturevalue(persona)
    assert client.get(reverse("privacy:request-list")).status_code == 403
    assert client.post(reverse("privacy:request-detail", args=[pk]), {"process": "1"}).status_code == 403
    assert claimant.get(reverse("privacy:request-detail", args=[pk])).status_code == 403
    assert DataRequest.objects.get().status == "diajukan"


def test_an_owner_account_with_neither_a_record_nor_a_claim_still_gets_404():
    client = Client()
    client.force_login(UserFactory(role="Pelaku UMKM"))
    for url, data in ACTIONS:
        assert client.post(url, data).status_code == 404
    assert not DataRequest.objects.exists() and not NoticePreference.objects.exists()
