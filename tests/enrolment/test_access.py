"""Each role against each enrolment and notification page it must not reach."""

import pytest
from django.urls import reverse

from pembinaan.enrolment.models import ClaimRequest
from pembinaan.notifications.models import OutboxMessage
from pembinaan.registry.models import BusinessStatus, Owner
from tests.conftest import PERSONAS
from tests.factories import BusinessFactory, OwnerFactory, UserFactory, roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(db):
    business = BusinessFactory(status=BusinessStatus.SUBMITTED)
    claimant = UserFactory(role=roles.OWNER, phone="+6281311112222")
    claim = ClaimRequest.objects.create(
        user=claimant,
        owner=OwnerFactory(),
        matched_by="nik",
        consent_version="x",
        consent_at="2026-11-01T10:00:00+08:00",
    )
    message = OutboxMessage.objects.create(
        recipient="a@b.test", subject="s", body="b", status="gagal", attempts=6
    )
    return {"business": business, "claim": claim, "message": message}


STAFF_PAGES = [
    ("get", "enrolment:queue", None),
    ("get", "enrolment:review", "business"),
    ("post", "enrolment:review", "business"),
    ("get", "enrolment:claim-list", None),
    ("get", "enrolment:claim-decide", "claim"),
    ("post", "enrolment:claim-decide", "claim"),
    ("get", "notifications:failed-list", None),
    ("post", "notifications:message-retry", "message"),
]
EXPECTED = {"anon_client": 302, "owner_client": 403, "viewer_client": 403}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "name", "arg"), STAFF_PAGES)
def test_staff_pages_are_for_staff_and_admin_only(request, records, persona, method, name, arg):
    client = request.getfixturevalue(persona)
    url = reverse(name, args=[records[arg].pk] if arg else [])
    response = getattr(client, method)(url, {"action": "none"} if method == "post" else None)
    if persona in EXPECTED:
        assert response.status_code == EXPECTED[persona]
        if persona == "anon_client":
            assert reverse("accounts:login") in response.url
        records["business"].refresh_from_db()
        assert records["business"].status == BusinessStatus.SUBMITTED
        assert ClaimRequest.objects.get().status == ClaimRequest.Status.PENDING
    else:
        assert response.status_code in (200, 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_open_activities_list_is_public(request, persona):
    assert request.getfixturevalue(persona).get(reverse("enrolment:activity-list")).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_registration_start_page_answers_everyone(request, persona):
    assert request.getfixturevalue(persona).get(reverse("enrolment:start")).status_code == 200


def test_an_owner_gets_404_for_another_owners_business_and_sign_up(owner_client, other_owner_user):
    from tests.coaching.factories import ActivityFactory, ParticipationFactory

    theirs = BusinessFactory(owner=Owner.objects.get(user=other_owner_user))
    participation = ParticipationFactory(business=theirs)
    activity = ActivityFactory(open_for_signup=True)
    assert (
        owner_client.post(
            reverse("enrolment:activity-signup", args=[activity.pk]), {"business": theirs.pk}
        ).status_code
        == 404
    )
    assert owner_client.post(reverse("enrolment:activity-cancel", args=[participation.pk])).status_code == 404
    assert (
        owner_client.post(
            reverse("enrolment:activity-signup", args=[activity.pk]), {"business": "x"}
        ).status_code
        == 404
    )


def test_the_nav_shows_each_role_its_new_links(anon_client, owner_client, staff_client):
    anon = anon_client.get(reverse("front:landing")).content.decode()
    assert reverse("enrolment:start") in anon and reverse("enrolment:activity-list") in anon
    owner = owner_client.get(reverse("enrolment:activity-list")).content.decode()
    assert reverse("enrolment:activity-list") in owner and f'href="{reverse("enrolment:start")}"' not in owner
    staff = staff_client.get(reverse("enrolment:queue")).content.decode()
    assert f'href="{reverse("enrolment:queue")}"' in staff
