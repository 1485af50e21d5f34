"""Who may open which registry page (docs/rules.md: roles; access enforced on the server)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from pembinaan.registry import services
from pembinaan.registry.models import Business, BusinessStatus, DuplicatePair
from tests.factories import BusinessFactory, OwnerFactory

pytestmark = pytest.mark.django_db

# (url name, HTTP method, which record the pk comes from)
REGISTRY_URLS = [
    ("business-list", "get", None),
    ("business-create", "get", None),
    ("business-detail", "get", "business"),
    ("business-edit", "get", "business"),
    ("business-verify", "post", "submitted"),
    ("business-reject", "get", "submitted"),
    ("business-deactivate", "get", "business"),
    ("business-reactivate", "post", "inactive"),
    ("owner-detail", "get", "owner"),
    ("owner-edit", "get", "owner"),
    ("duplicate-list", "get", None),
    ("duplicate-review", "get", "pair"),
    ("duplicate-dismiss", "post", "pair"),
]
URLS_WITH_PK = [entry for entry in REGISTRY_URLS if entry[2] is not None]


@pytest.fixture
def records(db):
    """One record of each kind that a registry URL points at."""
    business = BusinessFactory(name="Amplang Ikan Pipih")
    submitted = BusinessFactory(name="Kue Bingka Kentang", status=BusinessStatus.SUBMITTED)
    inactive = BusinessFactory(name="Sasirangan Tutup", status=BusinessStatus.INACTIVE)
    first = BusinessFactory(name="Soto Banjar Satu")
    second = BusinessFactory(name="Soto Banjar Dua")
    a, b = sorted([first, second], key=lambda x: x.pk)
    pair = DuplicatePair.objects.create(business_a=a, business_b=b, same_name=True)
    return {
        "business": business,
        "submitted": submitted,
        "inactive": inactive,
        "owner": business.owner,
        "pair": pair,
    }


def _url(name: str, record_key: str | None, records: dict) -> str:
    if record_key is None:
        return reverse(f"registry:{name}")
    return reverse(f"registry:{name}", kwargs={"pk": records[record_key].pk})


def _call(client, method: str, url: str):
    return getattr(client, method)(url)


@pytest.mark.parametrize(("name", "method", "record_key"), REGISTRY_URLS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(anon_client, records, name, method, record_key):
    url = _url(name, record_key, records)

    response = _call(anon_client, method, url)

    assert response.status_code == 302
    assert response["Location"] == f"/akun/masuk/?next={quote(url)}"


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
@pytest.mark.parametrize(("name", "method", "record_key"), REGISTRY_URLS)
def test_an_owner_or_a_council_viewer_is_refused_in_indonesian(
    request, records, persona, name, method, record_key
):
    client = request.getfixturevalue(persona)

    response = _call(client, method, _url(name, record_key, records))

    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


@pytest.mark.parametrize("persona", ["staff_client", "admin_client"])
@pytest.mark.parametrize(("name", "method", "record_key"), REGISTRY_URLS)
def test_staff_and_admin_may_open_every_registry_page(request, records, persona, name, method, record_key):
    client = request.getfixturevalue(persona)

    response = _call(client, method, _url(name, record_key, records))

    expected = 302 if method == "post" else 200
    assert response.status_code == expected


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
@pytest.mark.parametrize(("name", "method", "record_key"), [u for u in REGISTRY_URLS if u[1] == "post"])
def test_a_refused_post_action_changes_nothing(request, records, persona, name, method, record_key):
    client = request.getfixturevalue(persona)
    before_status = {b.pk: b.status for b in Business.objects.all()}
    before_pairs = {p.pk: p.status for p in DuplicatePair.objects.all()}

    client.post(_url(name, record_key, records))

    assert {b.pk: b.status for b in Business.objects.all()} == before_status
    assert {p.pk: p.status for p in DuplicatePair.objects.all()} == before_pairs


@pytest.mark.parametrize(("name", "method", "record_key"), URLS_WITH_PK)
def test_a_record_that_does_not_exist_is_404_for_staff(staff_client, records, name, method, record_key):
    url = reverse(f"registry:{name}", kwargs={"pk": 999_999})

    response = _call(staff_client, method, url)

    assert response.status_code == 404


def test_the_registry_pages_stay_closed_to_an_owner_even_for_their_own_business(owner_client, owner_user):
    business = BusinessFactory(owner=owner_user.owner_profile)

    detail = owner_client.get(reverse("registry:business-detail", kwargs={"pk": business.pk}))
    own_record = owner_client.get(
        reverse("registry:owner-detail", kwargs={"pk": owner_user.owner_profile.pk})
    )

    assert detail.status_code == 403
    assert own_record.status_code == 403


def test_the_owner_preset_on_the_create_page_is_404_for_an_unknown_owner(staff_client):
    response = staff_client.get(reverse("registry:business-create") + "?owner=999999")

    assert response.status_code == 404


def test_the_create_page_can_start_from_a_registered_owner(staff_client):
    owner = OwnerFactory(name="Siti Rahmah")

    response = staff_client.get(reverse("registry:business-create") + f"?owner={owner.pk}")

    assert response.status_code == 200
    assert "Siti Rahmah" in response.content.decode()


def test_a_council_viewer_never_sees_a_name_on_the_refusal_page(viewer_client):
    owner = services.owner_create(by=None, name="Nama Rahasia Sekali", gender="P", phone="081299990000")
    business = BusinessFactory(owner=owner, name="Usaha Rahasia Sekali")

    for url in (
        reverse("registry:business-list"),
        reverse("registry:business-detail", kwargs={"pk": business.pk}),
        reverse("registry:owner-detail", kwargs={"pk": owner.pk}),
    ):
        html = viewer_client.get(url).content.decode()
        assert "Rahasia Sekali" not in html
        assert "0812-9999-0000" not in html
