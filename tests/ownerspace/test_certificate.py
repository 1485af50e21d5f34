"""Certificates of attendance: the owner downloads their own, only for activities they attended."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.coaching.models import Activity, ParticipationStatus
from tests.coaching.factories import ActivityFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def test_the_owner_downloads_a_certificate_for_an_attended_activity(owner_client, mine):
    detail = owner_client.get(reverse("ownerspace:business-detail", args=[mine.pk])).content.decode()
    url = reverse("ownerspace:certificate", args=[mine.pk, mine.attended.pk])
    assert url in detail
    page = owner_client.get(url).content.decode()
    assert "SERTIFIKAT" in page
    assert mine.owner.name in page
    assert mine.attended.activity.title in page


@pytest.mark.parametrize(
    ("status", "activity_status"),
    [
        (ParticipationStatus.REGISTERED, Activity.Status.DONE),
        (ParticipationStatus.ABSENT, Activity.Status.DONE),
        (ParticipationStatus.CANCELLED, Activity.Status.DONE),
        (ParticipationStatus.ATTENDED, Activity.Status.CANCELLED),
    ],
)
def test_no_certificate_without_attendance_of_an_activity_that_took_place(
    owner_client, mine, status, activity_status
):
    participation = ParticipationFactory(
        business=mine, activity=ActivityFactory(status=activity_status), status=status
    )
    url = reverse("ownerspace:certificate", args=[mine.pk, participation.pk])
    assert owner_client.get(url).status_code == 404
