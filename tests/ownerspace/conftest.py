"""Records of the two owner personas: each has a business with coaching, outcomes, grants and figures."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pembinaan.coaching.models import FiguresSnapshot, ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from pembinaan.ownerspace.models import BusinessProfile
from tests.coaching.factories import ActivityFactory, OutcomeFactory, ParticipationFactory
from tests.factories import BusinessFactory
from tests.funding.factories import CapitalAssistanceFactory


def png(name: str = "foto.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def coached_business(owner, **fields):
    """A verified business with one attended workshop, an outcome, a disbursed grant and figures."""
    business = BusinessFactory(owner=owner, **fields)
    activity = ActivityFactory(title=f"Workshop Kemasan {business.name}")
    participation = ParticipationFactory(
        business=business, activity=activity, status=ParticipationStatus.ATTENDED
    )
    OutcomeFactory(business=business, activity=activity)
    CapitalAssistanceFactory(business=business, status=CapitalAssistance.Status.DISBURSED)
    FiguresSnapshot.objects.create(business=business, year=2023, annual_sales=90_000_000, employees=2)
    return business, participation


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def mine(owner_user):
    business, participation = coached_business(
        owner_user.owner_profile, name="Amplang Bu Sari", products="amplang ikan"
    )
    BusinessProfile.objects.create(business=business, is_public=True, contact=BusinessProfile.Contact.PHONE)
    business.attended = participation
    return business


@pytest.fixture
def theirs(other_owner_user):
    business, participation = coached_business(other_owner_user.owner_profile, name="Sasirangan Pak Udin")
    BusinessProfile.objects.create(business=business, is_public=True)
    business.attended = participation
    return business
