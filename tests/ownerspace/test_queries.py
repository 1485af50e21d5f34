"""The owner space list costs the same number of queries however many businesses an owner has."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.ownerspace import services
from tests.ownerspace.conftest import coached_business

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [1, 12])
def test_the_owner_space_list_issues_a_bounded_number_of_queries(
    owner_client, owner_user, django_assert_max_num_queries, size
):
    for n in range(size):
        business, _participation = coached_business(owner_user.owner_profile, name=f"Usaha Saya {n:02d}")
        services.business_owner_edit(business=business, by=owner_user, name=f"Nama Baru {n:02d}")
    with django_assert_max_num_queries(10):
        response = owner_client.get(reverse("ownerspace:home"))
    assert len(response.context["businesses"]) == size
    assert all(b.pending_changes for b in response.context["businesses"])
