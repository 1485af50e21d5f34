"""Consent withdrawn (rule 10d) is one answer, enrolment.consent.consent_withdrawn, read by the
activity reminder, the public profile and Data Saya; privacy, which keeps the withdrawals, gives it."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from django.utils import timezone

from pembinaan.coaching.models import Activity
from pembinaan.enrolment import consent
from pembinaan.enrolment.models import ClaimRequest
from pembinaan.enrolment.reminders import activity_reminders_queue
from pembinaan.ownerspace import services as ownerspace
from pembinaan.privacy.selectors import withdrawal_on_record
from pembinaan.registry.models import Owner
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory


@pytest.fixture
def answer(monkeypatch):
    """Let the test decide the one answer, as privacy's registered reader would give it."""

    def set_answer(withdrawn: bool):
        monkeypatch.setattr(consent, "_withdrawal_readers", [lambda **_subject: withdrawn])

    return set_answer


def test_privacy_registers_its_records_as_the_answer_at_start_up():
    assert consent._withdrawal_readers == [withdrawal_on_record]


def test_without_a_registered_reader_the_question_raises_rather_than_answer_not_withdrawn(monkeypatch):
    monkeypatch.setattr(consent, "_withdrawal_readers", [])
    with pytest.raises(ImproperlyConfigured, match="No reader of consent withdrawals"):
        consent.consent_withdrawn(Owner())
    with pytest.raises(ImproperlyConfigured, match="No reader of consent withdrawals"):
        consent.claim_consent_withdrawn(ClaimRequest())


@pytest.mark.django_db
@pytest.mark.parametrize("withdrawn", [False, True])
def test_the_reminder_the_public_profile_and_data_saya_all_follow_the_one_answer(
    answer, withdrawn, owner_user, owner_client
):
    answer(withdrawn)
    owner = owner_user.owner_profile
    owner.email = "pemilik@contoh.test"
    owner.save()
    business = BusinessFactory(owner=owner)
    tomorrow = ActivityFactory(
        start_date=timezone.localdate() + datetime.timedelta(days=1), status=Activity.Status.PLANNED
    )
    ParticipationFactory(activity=tomorrow, business=business)

    assert activity_reminders_queue() == (0 if withdrawn else 1)
    if withdrawn:
        with pytest.raises(ValidationError):
            ownerspace.profile_update(business=business, by=owner_user, is_public=True, contact="hp")
    else:
        assert ownerspace.profile_update(
            business=business, by=owner_user, is_public=True, contact="hp"
        ).is_public
    page = owner_client.get(reverse("privacy:my-data")).content.decode()
    assert ("Anda sudah menarik persetujuan" in page) is withdrawn
