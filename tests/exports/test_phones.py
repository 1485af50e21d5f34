"""Phone numbers in every export read as on screen, with a WhatsApp-ready column beside (issue 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.coaching.models import ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.exports.sheets import records_of, rows_of
from tests.factories import BusinessFactory, OwnerFactory
from tests.funding.factories import CapitalAssistanceFactory

pytestmark = pytest.mark.django_db

FORMATS = ["xlsx", "csv"]
PHONE = "+6281351234477"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_business_export_shows_the_phone_exactly_as_the_owner_page_does(staff_client, fmt):
    business = BusinessFactory(owner=OwnerFactory(phone=PHONE))
    page = staff_client.get(reverse("registry:owner-detail", args=[business.owner.pk])).content.decode()

    (record,) = records_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    assert record["No HP"] == "0813-5123-4477"
    assert "0813-5123-4477" in page
    assert record["WhatsApp"] == "6281351234477"


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_phone_cell_begins_with_an_apostrophe_or_a_plus(staff_client, fmt):
    BusinessFactory.create_batch(3, owner=OwnerFactory(phone=PHONE))

    header, *rows = rows_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    for column in ("No HP", "WhatsApp"):
        cells = [row[header.index(column)] for row in rows]
        assert all(isinstance(c, str) and c[0].isdigit() for c in cells), cells


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_whatsapp_column_sits_next_to_the_phone_column(staff_client, fmt):
    BusinessFactory(owner=OwnerFactory(phone=PHONE))

    header, *_rows = rows_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    assert header.index("WhatsApp") == header.index("No HP") + 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_owner_without_a_phone_has_both_phone_cells_empty(staff_client, fmt):
    BusinessFactory(owner=OwnerFactory(phone=""))

    (record,) = records_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    assert record["No HP"] in ("", None)
    assert record["WhatsApp"] in ("", None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_participant_export_has_the_same_phone_columns(staff_client, fmt):
    activity = ActivityFactory()
    ParticipationFactory(
        activity=activity,
        business=BusinessFactory(owner=OwnerFactory(phone=PHONE)),
        status=ParticipationStatus.ATTENDED,
    )

    (record,) = records_of(staff_client.get(reverse("coaching:participants-export", args=[activity.pk, fmt])))

    assert (record["No HP"], record["WhatsApp"]) == ("0813-5123-4477", "6281351234477")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_assistance_export_has_the_same_phone_columns(staff_client, fmt):
    CapitalAssistanceFactory(
        business=BusinessFactory(owner=OwnerFactory(phone=PHONE)), status=CapitalAssistance.Status.DISBURSED
    )

    (record,) = records_of(staff_client.get(reverse("coaching:grant-export", args=[fmt])))

    assert (record["No HP"], record["WhatsApp"]) == ("0813-5123-4477", "6281351234477")


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_that_would_be_read_as_a_formula_is_still_neutralised(staff_client, fmt):
    BusinessFactory(name='=HYPERLINK("http://x")', owner=OwnerFactory(phone=PHONE))

    (record,) = records_of(staff_client.get(reverse("registry:business-export", args=[fmt])))

    assert record["Nama Usaha"].startswith("'=")
