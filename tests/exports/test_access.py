"""Every role against every export URL (access is enforced on the server, docs/rules.md): staff and
Admin Dinas export; council members get only the budget overview (aggregates, no personal data);
owners and anonymous visitors get nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory
from tests.funding.factories import BudgetLineFactory, CapitalAssistanceFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anon_client",
    "owner_client",
    "other_owner_client",
    "viewer_client",
    "staff_client",
    "admin_client",
]
ALLOWED = {
    "business-export": {"staff_client", "admin_client"},
    "participants-export": {"staff_client", "admin_client"},
    "grant-export": {"staff_client", "admin_client"},
    "budget-line-export": {"staff_client", "admin_client"},
    "budget-overview-export": {"viewer_client", "staff_client", "admin_client"},
}


@pytest.fixture
def other_owner_client(other_owner_user):
    from django.test import Client

    client = Client()
    client.force_login(other_owner_user)
    return client


@pytest.fixture
def data(owner_user):
    """Something in every export, including the logged-in owner's own business."""
    business = BusinessFactory(owner=owner_user.owner_profile)
    activity = ActivityFactory()
    ParticipationFactory(activity=activity, business=business)
    CapitalAssistanceFactory(business=business)
    BudgetLineFactory()
    return {"activity": activity}


def _url(name: str, fmt: str, data) -> str:
    if name == "participants-export":
        return reverse("coaching:participants-export", args=[data["activity"].pk, fmt])
    app = {
        "business-export": "registry",
        "grant-export": "coaching",
        "budget-overview-export": "progress",
    }.get(name, "funding")
    return reverse(f"{app}:{name}", args=[fmt])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("name", ALLOWED)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_reaches_only_the_exports_it_may_use(request, data, persona, name, fmt):
    client = request.getfixturevalue(persona)

    response = client.get(_url(name, fmt, data))

    if persona in ALLOWED[name]:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
    elif persona == "anon_client":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code in (403, 404)
        assert "Content-Disposition" not in response


@pytest.mark.parametrize("persona", ["staff_client", "viewer_client"])
def test_an_unknown_format_is_not_found(request, persona):
    client = request.getfixturevalue(persona)

    response = client.get(reverse("progress:budget-overview-export", args=["xls"]))

    assert response.status_code == 404


def test_a_council_member_asking_for_an_unknown_format_is_refused_before_anything_else(viewer_client):
    assert viewer_client.get(reverse("registry:business-export", args=["pdf"])).status_code == 403


def test_the_participants_of_an_activity_that_does_not_exist_are_not_found(staff_client):
    assert staff_client.get(reverse("coaching:participants-export", args=[999999, "csv"])).status_code == 404


PAGES = {
    "registry:business-list": "registry:business-export",
    "coaching:grant-list": "coaching:grant-export",
    "funding:budget-line-list": "funding:budget-line-export",
    "progress:budget-overview": "progress:budget-overview-export",
}


@pytest.mark.parametrize("page", PAGES)
def test_staff_see_the_export_buttons_on_the_list_pages_with_the_filters_carried(staff_client, page):
    html = staff_client.get(reverse(page), {"year": 2024}).content.decode()

    assert f'href="{reverse(PAGES[page], args=["xlsx"])}?year=2024"' in html
    assert f'href="{reverse(PAGES[page], args=["csv"])}?year=2024"' in html


def test_the_export_link_leaves_out_the_page_number(staff_client):
    BusinessFactory.create_batch(30, name="Soto Banjar")

    html = staff_client.get(reverse("registry:business-list"), {"q": "soto", "page": 2}).content.decode()

    assert f'href="{reverse("registry:business-export", args=["xlsx"])}?q=soto"' in html


def test_staff_see_the_participant_export_buttons_on_the_activity_page(staff_client, data):
    html = staff_client.get(reverse("coaching:activity-detail", args=[data["activity"].pk])).content.decode()

    assert reverse("coaching:participants-export", args=[data["activity"].pk, "xlsx"]) in html


def test_a_council_member_sees_the_overview_export_button_but_no_personal_export(viewer_client):
    html = viewer_client.get(reverse("progress:budget-overview")).content.decode()

    assert reverse("progress:budget-overview-export", args=["xlsx"]) in html
    for name in ("registry:business-export", "coaching:grant-export", "funding:budget-line-export"):
        assert reverse(name, args=["xlsx"]) not in html
