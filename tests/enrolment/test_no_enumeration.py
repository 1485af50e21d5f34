"""Issue 14: registration behaves the same whether or not a phone or email already has an account.

A stranger learns nothing at any step; when the last step meets an existing account, no second
account is made and the account's owner (not the registrant) is told.
"""

import logging

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from pembinaan.enrolment.models import Registration
from pembinaan.notifications.models import OutboxMessage
from pembinaan.registry.models import Business, Owner
from tests.enrolment.helpers import business_data, owner_data, page_shape
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(db):
    return UserFactory(role=roles.OWNER, email="terdaftar@contoh.test", phone="+6281355551234")


def _walk(client, owner):
    """Every request of a registration: each step's form, its post, and the last page."""
    return [
        client.get(reverse("enrolment:owner")),
        client.post(reverse("enrolment:owner"), owner),
        client.get(reverse("enrolment:business")),
        client.post(reverse("enrolment:business"), business_data()),
        client.get(reverse("enrolment:consent")),
        client.post(reverse("enrolment:consent"), {"agree": "on"}),
        client.get(reverse("enrolment:done")),
    ]


KNOWN = {
    "phone": {"phone": "0813-5555-1234", "email": "baru@contoh.test"},
    "email": {"phone": "0812-7777-0009", "email": "TERDAFTAR@contoh.test"},
    "phone-no-email": {"phone": "0813-5555-1234", "email": ""},
}


@pytest.mark.parametrize("known", KNOWN)
def test_a_known_phone_or_email_gets_the_same_status_codes_and_page_shapes_as_an_unknown_one(account, known):
    unknown_pages = _walk(Client(), owner_data(phone="0812-7777-0001", email="siti@contoh.test"))
    known_pages = _walk(Client(), owner_data(**KNOWN[known]))
    for unknown, seen in zip(unknown_pages, known_pages, strict=True):
        assert page_shape(unknown) == page_shape(seen)
        assert unknown.get("Location") == seen.get("Location")
        assert "sudah dipakai" not in seen.content.decode()
    assert [p.status_code for p in known_pages] == [200, 302, 200, 302, 200, 302, 200]


@pytest.mark.parametrize("known", KNOWN)
def test_a_known_phone_or_email_makes_no_second_account_and_no_records(anon_client, account, known):
    _walk(anon_client, owner_data(**KNOWN[known]))
    assert User.objects.filter(groups__name=roles.OWNER).count() == 1
    assert not Owner.objects.exists() and not Business.objects.exists()
    assert "_auth_user_id" not in anon_client.session
    registration = Registration.objects.get()
    assert registration.user is None and registration.existing_account == account


def test_the_account_owner_is_emailed_that_someone_tried_to_register_with_their_address(
    anon_client, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _walk(anon_client, owner_data(**KNOWN["phone"]))
    assert [m.to for m in mail.outbox] == [["terdaftar@contoh.test"]]
    message = mail.outbox[0]
    assert "mencoba mendaftar" in message.subject
    assert reverse("accounts:login") in message.body
    assert reverse("accounts:password-reset") in message.body
    # Nothing of what the stranger typed goes to the account's owner.
    assert "baru@contoh.test" not in message.body and "Amplang" not in message.body
    assert Registration.objects.get().notice == Registration.Notice.EMAILED


def test_the_registrant_is_told_to_check_their_messages_and_offered_the_login(anon_client, account):
    pages = _walk(anon_client, owner_data(**KNOWN["email"]))
    html = pages[-1].content.decode()
    assert "Periksa pesan Anda" in html
    assert reverse("accounts:login") in html and reverse("accounts:password-reset") in html
    assert "REG-" not in html
    assert "terdaftar@contoh.test" not in html


def test_an_account_with_only_a_phone_is_logged_and_flagged_for_staff(anon_client, staff_client, caplog):
    phone_only = UserFactory(role=roles.OWNER, email=None, phone="+6281355551234", full_name="Bapak Hanya HP")
    with caplog.at_level(logging.WARNING, logger="pembinaan.enrolment.services"):
        _walk(anon_client, owner_data(**KNOWN["phone-no-email"]))
    assert not OutboxMessage.objects.exists()
    registration = Registration.objects.get()
    assert registration.notice == Registration.Notice.NO_CHANNEL
    assert registration.existing_account == phone_only
    assert any("no email" in record.getMessage() for record in caplog.records)
    page = staff_client.get(reverse("enrolment:claim-list")).content.decode()
    assert "Pendaftaran dengan nomor HP akun yang sudah ada" in page
    assert registration.number in page and "Bapak Hanya HP" in page


def test_the_staff_note_on_phone_only_accounts_is_not_shown_to_other_roles(
    anon_client, owner_client, viewer_client
):
    UserFactory(role=roles.OWNER, email=None, phone="+6281355551234")
    _walk(Client(), owner_data(**KNOWN["phone-no-email"]))
    for client in (owner_client, viewer_client):
        assert client.get(reverse("enrolment:claim-list")).status_code == 403
    assert anon_client.get(reverse("enrolment:claim-list")).status_code == 302


def test_submitting_twice_with_a_known_phone_tells_the_account_owner_once(
    anon_client, account, django_capture_on_commit_callbacks
):
    anon_client.post(reverse("enrolment:owner"), owner_data(**KNOWN["phone"]))
    anon_client.post(reverse("enrolment:business"), business_data())
    state = dict(anon_client.session["enrolment"])
    with django_capture_on_commit_callbacks(execute=True):
        first = anon_client.post(reverse("enrolment:consent"), {"agree": "on"})
        session = anon_client.session
        session["enrolment"] = state
        session.save()
        second = anon_client.post(reverse("enrolment:consent"), {"agree": "on"})
    assert first.url == second.url == reverse("enrolment:done")
    assert len(mail.outbox) == 1
    assert Registration.objects.count() == 1


def test_an_email_taken_between_the_check_and_the_save_is_handled_like_a_known_one(
    anon_client, account, monkeypatch
):
    # Only an email can be taken meanwhile: a number becomes an account's own only when confirmed
    # by a code later, so a concurrent registration with the same number is flagged, not refused.
    from pembinaan.enrolment import services

    real = services._existing_accounts
    calls = []

    def blind_first_time(**kwargs):
        # The first look misses the account, as when a concurrent registration commits just after it.
        calls.append(kwargs)
        return [] if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(services, "_existing_accounts", blind_first_time)
    pages = _walk(anon_client, owner_data(**KNOWN["email"]))
    assert pages[-2].status_code == 302 and pages[-1].status_code == 200
    assert len(calls) == 2
    assert User.objects.filter(email="terdaftar@contoh.test").count() == 1
    assert not Owner.objects.exists()
    assert Registration.objects.get().existing_account == account
