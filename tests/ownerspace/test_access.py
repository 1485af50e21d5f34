"""Who may open which owner-space page: an owner their own records only, other roles never.

Every owner URL tried with another owner's ids answers 404 (no hint that the record exists);
staff, admins and council members have no owner space (403); a visitor is sent to log in.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# (url name, arguments taken from a business of the owner)
BUSINESS_URLS = [
    ("ownerspace:business-detail", lambda b: [b.pk]),
    ("ownerspace:business-edit", lambda b: [b.pk]),
    ("ownerspace:figures-create", lambda b: [b.pk]),
    ("ownerspace:profile-edit", lambda b: [b.pk]),
    ("ownerspace:certificate", lambda b: [b.pk, b.attended.pk]),
]
OWN_URLS = [("ownerspace:home", lambda b: []), ("ownerspace:contact-edit", lambda b: []), *BUSINESS_URLS]


@pytest.mark.parametrize(("name", "args"), BUSINESS_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_owner_gets_404_for_another_owners_business_on_every_page(
    owner_client, mine, theirs, name, args, method
):
    response = getattr(owner_client, method)(reverse(name, args=args(theirs)))
    assert response.status_code == 404


def test_an_owner_gets_404_for_another_owners_photo(owner_client, mine, theirs, media):
    from pembinaan.ownerspace import services
    from tests.ownerspace.conftest import png

    services.profile_update(
        business=theirs, by=theirs.owner.user, is_public=False, contact="tidak", photo=png()
    )
    assert owner_client.get(reverse("ownerspace:profile-photo", args=[theirs.pk])).status_code == 404


def test_an_owner_gets_404_for_a_certificate_of_another_owners_participation_under_their_own_business(
    owner_client, mine, theirs
):
    response = owner_client.get(reverse("ownerspace:certificate", args=[mine.pk, theirs.attended.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "args"), OWN_URLS)
def test_an_owner_opens_each_of_their_own_pages(owner_client, mine, name, args):
    assert owner_client.get(reverse(name, args=args(mine))).status_code == 200


@pytest.mark.parametrize(("name", "args"), OWN_URLS)
@pytest.mark.parametrize("persona", ["viewer_client", "staff_client", "admin_client"])
def test_other_roles_have_no_owner_space(request, mine, name, args, persona):
    client = request.getfixturevalue(persona)
    assert client.get(reverse(name, args=args(mine))).status_code == 403


@pytest.mark.parametrize(("name", "args"), OWN_URLS)
def test_a_visitor_is_sent_to_log_in(anon_client, mine, name, args):
    response = anon_client.get(reverse(name, args=args(mine)))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_owner_whose_account_is_not_linked_yet_is_told_so(client, db):
    from tests.factories import UserFactory, roles

    client.force_login(UserFactory(role=roles.OWNER))
    response = client.get(reverse("ownerspace:home"))
    assert response.status_code == 200
    assert "belum terhubung" in response.content.decode()


STAFF_URLS = [("ownerspace:change-request-list", False), ("ownerspace:change-request-review", True)]


@pytest.mark.parametrize(("name", "needs_pk"), STAFF_URLS)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner_client", 403), ("viewer_client", 403), ("staff_client", 200), ("admin_client", 200)],
)
def test_only_staff_and_admins_review_identity_changes(
    request, mine, owner_user, name, needs_pk, persona, status
):
    from pembinaan.ownerspace import services

    change = services.business_owner_edit(business=mine, by=owner_user, name="Amplang Bu Sari Jaya")
    client = request.getfixturevalue(persona)
    response = client.get(reverse(name, args=[change.pk] if needs_pk else []))
    assert response.status_code == status


def test_a_visitor_cannot_review_identity_changes(anon_client, mine, owner_user):
    assert anon_client.get(reverse("ownerspace:change-request-list")).status_code == 302
