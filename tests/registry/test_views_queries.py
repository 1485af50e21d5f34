"""The list and detail pages issue a fixed number of queries, however big the registry grows.

Measured with CaptureQueriesContext on SQLite: 10 queries for either page (session, user, two
permission look-ups, the role groups for the menu, and the page's own queries); 7 for the list of
possible duplicates. Each bound below is the measured number; it must hold equally for a small and a large registry (no N+1 queries).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.registry import services
from pembinaan.registry.models import Business, DuplicatePair
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

# +1 on every staff page since issue 14: the menu's worklist badges, read in one query
# (pembinaan/front/selectors.py).
STAFF_MENU_QUERIES = 1
LIST_QUERIES = 10 + STAFF_MENU_QUERIES
# The registry part (10) plus the coaching part: target, coached status, history, outcomes, figures.
DETAIL_QUERIES = 16 + STAFF_MENU_QUERIES  # +1: capital assistance received
DUPLICATE_LIST_QUERIES = 7 + STAFF_MENU_QUERIES
SIZES = [10, 200]


def _flag(a: Business, b: Business) -> None:
    first, second = sorted([a, b], key=lambda x: x.pk)
    DuplicatePair.objects.create(business_a=first, business_b=second, same_name=True)


@pytest.mark.parametrize("size", SIZES)
def test_the_business_list_issues_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    businesses = BusinessFactory.create_batch(size)
    for a, b in zip(businesses[:10:2], businesses[1:10:2], strict=True):
        _flag(a, b)

    with django_assert_max_num_queries(LIST_QUERIES):
        response = staff_client.get(reverse("registry:business-list"))

    assert response.status_code == 200
    assert len(response.context["page"]) == min(size, 25)


@pytest.mark.parametrize("size", SIZES)
def test_the_filtered_and_sorted_business_list_issues_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    businesses = BusinessFactory.create_batch(size, name="Warung Soto")
    for a, b in zip(businesses[::2], businesses[1::2], strict=False):
        _flag(a, b)

    with django_assert_max_num_queries(LIST_QUERIES):
        response = staff_client.get(
            reverse("registry:business-list"),
            {"q": "soto", "duplicate": "on", "status": "terverifikasi", "sort": "-name", "page": 2},
        )

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_business_detail_issues_a_bounded_number_of_queries(
    staff_client, staff_user, django_assert_max_num_queries, size
):
    businesses = BusinessFactory.create_batch(size)
    business = businesses[0]
    # A long life on record: edits, closures and reopenings, sibling businesses, open duplicates.
    for step in range(size // 10):
        services.business_update(
            business=business, by=staff_user, name=f"Amplang Aminah {step}", annual_sales=100_000 + step
        )
        services.business_deactivate(business=business, by=staff_user, reason=f"Tutup sementara {step}")
        services.business_reactivate(business=business, by=staff_user)
    BusinessFactory.create_batch(2 + size // 20, owner=business.owner)
    for other in businesses[1:4]:
        _flag(business, other)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = staff_client.get(reverse("registry:business-detail", kwargs={"pk": business.pk}))

    assert response.status_code == 200
    assert len(response.context["history"]) >= size // 10
    assert len(response.context["timeline"]) == 2 * (size // 10)
    assert len(response.context["duplicate_pairs"]) == 3
    assert len(response.context["siblings"]) == 2 + size // 20


@pytest.mark.parametrize("size", SIZES)
def test_the_duplicate_list_issues_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    businesses = BusinessFactory.create_batch(size)
    for a, b in zip(businesses[::2], businesses[1::2], strict=False):
        _flag(a, b)

    with django_assert_max_num_queries(DUPLICATE_LIST_QUERIES):
        response = staff_client.get(reverse("registry:duplicate-list"))

    assert response.status_code == 200
    assert len(response.context["page"]) == min(size // 2, 25)
