import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pembinaan.enrolment import consent
from pembinaan.enrolment.models import ClaimRequest
from pembinaan.notifications.models import OutboxMessage
from pembinaan.registry.models import Business, BusinessSource, BusinessStatus, Owner
from tests.enrolment.helpers import business_data, owner_data, register
from tests.factories import BusinessFactory, OwnerFactory, UserFactory, make_nik, roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_record():
    """An owner and business that dinas staff entered, with an email on record."""
    owner = OwnerFactory(
        nik=make_nik(), name="Hj. Rahmah", email="rahmah.lama@contoh.test", phone="+6281355550000"
    )
    BusinessFactory(owner=owner, name="Sasirangan Rahmah", nib="9120000000001")
    return owner


def _link(message) -> str:
    return re.search(r"https?://\S+/daftar/konfirmasi/\S+/", message.body).group(0).split("8000", 1)[1]


def test_a_registration_with_a_known_nik_files_a_claim_and_creates_no_owner(anon_client, staff_record):
    register(anon_client, owner=owner_data(nik=staff_record.nik))
    assert Owner.objects.count() == 1
    claim = ClaimRequest.objects.get()
    assert claim.owner == staff_record
    assert claim.status == ClaimRequest.Status.PENDING
    assert claim.matched_by == ClaimRequest.MatchedBy.NIK
    assert claim.submitted["business"]["name"] == "Amplang Bu Siti"
    staff_record.refresh_from_db()
    assert staff_record.user is None  # not linked before proof
    assert Business.objects.count() == 1


def test_a_known_nib_also_files_a_claim(anon_client, staff_record):
    register(anon_client, business=business_data(nib="9120000000001"))
    claim = ClaimRequest.objects.get()
    assert claim.owner == staff_record
    assert claim.matched_by == ClaimRequest.MatchedBy.NIB
    assert Owner.objects.count() == 1


def _strip_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_claimant_sees_exactly_what_a_new_registrant_sees(staff_record):
    new, claimant = Client(), Client()
    pages = []
    for client, nik, phone in (
        (new, make_nik(), "0812-7777-0001"),
        (claimant, staff_record.nik, "0812-7777-0002"),
    ):
        owner = owner_data(nik=nik, phone=phone, email="")
        steps = [
            client.post(reverse("enrolment:owner"), owner),
            client.post(reverse("enrolment:business"), business_data()),
            client.get(reverse("enrolment:consent")),
            client.post(reverse("enrolment:consent"), {"agree": "on"}),
        ]
        steps.append(client.get(reverse("enrolment:done")))
        pages.append(steps)
    for a, b in zip(*pages, strict=True):
        assert a.status_code == b.status_code
        assert a.get("Location") == b.get("Location")
        html_a = _strip_tokens(a.content.decode()).replace("*******0001", "*******0002")
        html_b = _strip_tokens(b.content.decode())
        # The consent page shows each person their own NIK in full; the rest is identical.
        html_a = re.sub(r"6371 \d{4} \d{4} \d{4}", "NIK", html_a)
        html_b = re.sub(r"6371 \d{4} \d{4} \d{4}", "NIK", html_b)
        # Each registration has its own number (REG-<year>-<id>).
        html_a, html_b = (re.sub(r"REG-\d{4}-\d{6}", "REG", html) for html in (html_a, html_b))
        assert html_a.replace("0812-7777-0001", "0812-7777-0002") == html_b
    # Everyone is told how a claim is checked, without a word of the record the claimant claims.
    claimant_page = pages[1][-1].content.decode()
    assert "sudah pernah dicatat dinas" in claimant_page
    assert "Hj. Rahmah" not in claimant_page and "rahmah.lama" not in claimant_page
    assert Owner.objects.count() == 2 and ClaimRequest.objects.count() == 1


def test_the_one_time_link_goes_to_the_email_on_record_and_links_the_account(
    anon_client, staff_record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(anon_client, owner=owner_data(nik=staff_record.nik))
    claim = ClaimRequest.objects.get()
    assert [m.to for m in mail.outbox] == [["rahmah.lama@contoh.test"]]
    assert "siti@contoh.test" not in str([m.to for m in mail.outbox])
    link = _link(mail.outbox[0])

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    # Whose account asks, enough for the owner to recognise their own number, no more.
    assert "**** 0001" in page.content.decode()
    assert "7777" not in page.content.decode() and "7777" not in mail.outbox[0].body
    response = visitor.post(link, {"answer": "yes"})
    assert response.status_code == 200
    assert "sudah dikonfirmasi" in response.content.decode()

    staff_record.refresh_from_db()
    claim.refresh_from_db()
    assert staff_record.user == claim.user
    assert staff_record.consent_version == consent.VERSION
    assert claim.status == ClaimRequest.Status.APPROVED
    assert claim.method == ClaimRequest.Method.EMAIL
    # The business they registered joins the record, waiting for verification.
    added = Business.objects.get(name="Amplang Bu Siti")
    assert added.owner == staff_record
    assert added.source == BusinessSource.SELF and added.status == BusinessStatus.SUBMITTED
    # One time only.
    assert visitor.get(link).status_code == 410
    assert visitor.post(link, {"answer": "yes"}).status_code == 410


def test_the_owner_on_record_can_say_it_was_not_them(
    anon_client, staff_record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(anon_client, owner=owner_data(nik=staff_record.nik))
    response = Client().post(_link(mail.outbox[0]), {"answer": "no"})
    assert response.status_code == 200
    staff_record.refresh_from_db()
    assert staff_record.user is None
    assert ClaimRequest.objects.get().status == ClaimRequest.Status.REFUSED


def test_an_expired_or_forged_link_does_nothing(
    anon_client, staff_record, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(anon_client, owner=owner_data(nik=staff_record.nik))
    link = _link(mail.outbox[0])
    settings.ENROLMENT_CLAIM_LINK_HOURS = 0
    assert Client().post(link, {"answer": "yes"}).status_code == 410
    settings.ENROLMENT_CLAIM_LINK_HOURS = 48
    assert Client().post(link[:-5] + "xxxx/", {"answer": "yes"}).status_code == 410
    staff_record.refresh_from_db()
    assert staff_record.user is None


def test_a_record_without_email_waits_for_staff_and_sends_the_record_nothing(anon_client):
    owner = OwnerFactory(email="")
    register(anon_client, owner=owner_data(nik=owner.nik, phone="0812-7777-0001"))
    # The only message is the registrant's own number confirmation; nothing reaches the record.
    assert list(OutboxMessage.objects.values_list("recipient", "subject")) == [
        ("+6281277770001", "Kode konfirmasi nomor HP Portal UMKM")
    ]
    assert ClaimRequest.objects.get().link_sent_at is None


def test_staff_approve_a_claim_with_an_audit_entry(
    anon_client, staff_client, staff_user, staff_record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(anon_client, owner=owner_data(nik=staff_record.nik))
    claim = ClaimRequest.objects.get()
    page = staff_client.get(reverse("enrolment:claim-decide", args=[claim.pk]))
    assert page.status_code == 200
    assert "Amplang Bu Siti" in page.content.decode()
    response = staff_client.post(
        reverse("enrolment:claim-decide", args=[claim.pk]),
        {"action": "approve", "note": "Sudah ditelepon, cocok."},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    staff_record.refresh_from_db()
    assert claim.status == ClaimRequest.Status.APPROVED
    assert claim.decided_by == staff_user and claim.method == ClaimRequest.Method.STAFF
    assert staff_record.user == claim.user
    last = claim.history.order_by("-history_date").first()
    assert last.history_user == staff_user and last.status == ClaimRequest.Status.APPROVED
    # The email link sent earlier no longer works.
    assert Client().get(_link(mail.outbox[0])).status_code == 410


def test_staff_refuse_a_claim(anon_client, staff_client, staff_user, staff_record):
    register(anon_client, owner=owner_data(nik=staff_record.nik))
    claim = ClaimRequest.objects.get()
    staff_client.post(
        reverse("enrolment:claim-decide", args=[claim.pk]), {"action": "refuse", "note": "Tidak cocok"}
    )
    claim.refresh_from_db()
    staff_record.refresh_from_db()
    assert claim.status == ClaimRequest.Status.REFUSED
    assert staff_record.user is None
    last = claim.history.order_by("-history_date").first()
    assert last.history_user == staff_user and last.decision_note == "Tidak cocok"


def test_a_record_linked_to_another_account_is_not_taken_over(anon_client, staff_client, staff_record):
    staff_record.user = UserFactory(role=roles.OWNER, phone="+6281399990000")
    staff_record.save()
    register(anon_client, owner=owner_data(nik=staff_record.nik))
    claim = ClaimRequest.objects.get()
    response = staff_client.post(reverse("enrolment:claim-decide", args=[claim.pk]), {"action": "approve"})
    assert response.status_code == 200
    assert "akun lain" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimRequest.Status.PENDING


def test_the_claim_list_shows_pending_claims_first(anon_client, staff_client, staff_record):
    register(anon_client, owner=owner_data(nik=staff_record.nik))
    response = staff_client.get(reverse("enrolment:claim-list"))
    assert response.status_code == 200
    assert "Hj. Rahmah" in response.content.decode()


def test_usaha_saya_shows_a_claimant_their_own_entry_as_submitted_and_nothing_of_the_record(staff_record):
    new, claimant = Client(), Client()
    register(new, owner=owner_data(nik=make_nik(), phone="0812-7777-0001", email=""))
    register(claimant, owner=owner_data(nik=staff_record.nik, phone="0812-7777-0002", email=""))
    typed = business_data()["name"]
    for client in (new, claimant):
        page = client.get(reverse("ownerspace:home"))
        assert page.status_code == 200
        body = page.content.decode()
        assert typed in body
        assert "Sedang diperiksa petugas Dinas." in body
        assert "belum terhubung" not in body
    claimant_page = claimant.get(reverse("ownerspace:home")).content.decode()
    assert "Hj. Rahmah" not in claimant_page and "Sasirangan Rahmah" not in claimant_page
    assert "rahmah.lama@contoh.test" not in claimant_page
