"""Who may open the personal-data pages: an owner their own, staff and admins the request queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.privacy import services

pytestmark = pytest.mark.django_db

OWNER_URLS = [
    "privacy:my-data",
    "privacy:my-data-download",
    "privacy:consent-withdraw",
    "privacy:deletion-request",
]


@pytest.mark.parametrize("name", OWNER_URLS)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner_client", 200), ("viewer_client", 403), ("staff_client", 403), ("admin_client", 403)],
)
def test_each_role_against_each_data_saya_page(request, name, persona, status):
    assert request.getfixturevalue(persona).get(reverse(name)).status_code == status


@pytest.mark.parametrize("name", OWNER_URLS)
def test_a_visitor_is_sent_to_log_in(anon_client, name):
    assert anon_client.get(reverse(name)).status_code == 302


@pytest.fixture
def open_request(owner_user):
    return services.deletion_request(owner=owner_user.owner_profile, by=owner_user)


@pytest.mark.parametrize("detail", [False, True])
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner_client", 403),
        ("other_owner", 403),
        ("viewer_client", 403),
        ("staff_client", 200),
        ("admin_client", 200),
    ],
)
def test_only_staff_and_admins_process_requests(request, client, open_request, detail, persona, status):
    if persona == "other_owner":
        client.force_login(request.getfixturevalue("other_owner_user"))
    else:
        client = request.getfixturevalue(persona)
    url = (
        reverse("privacy:request-detail", args=[open_request.pk])
        if detail
        else reverse("privacy:request-list")
    )
    assert client.get(url).status_code == status
    if detail:
        assert client.post(url, {"process": "1"}).status_code == (302 if status == 200 else 403)
        open_request.refresh_from_db()
        assert open_request.status == ("selesai" if status == 200 else "diajukan")


def test_an_owner_sees_only_their_own_requests(owner_client, other_owner_user, open_request):
    services.deletion_request(
        owner=other_owner_user.owner_profile, by=other_owner_user, note="catatan orang lain"
    )
    page = owner_client.get(reverse("privacy:my-data")).content.decode()
    assert "Penghapusan data" in page
    assert "catatan orang lain" not in page
    assert len(owner_client.get(reverse("privacy:my-data")).context["requests"]) == 1
