"""The business list's kelurahan filter follows the chosen kecamatan and is sorted by name (issue 14)."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from pembinaan.reference.models import Kecamatan, Kelurahan
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

URL = reverse("registry:business-list")


def _offered(body: str) -> list[str]:
    """The kelurahan names the filter's select offers, in their order (the blank choice left out)."""
    select = re.search(r'<select name="kelurahan".*?</select>', body, re.S).group(0)
    return [
        name for value, name in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select) if value
    ]


def test_without_a_kecamatan_every_kelurahan_is_offered_sorted_by_name(staff_client):
    offered = _offered(staff_client.get(URL).content.decode())

    assert len(offered) == Kelurahan.objects.count() == 52
    assert offered == sorted(offered)


def test_a_chosen_kecamatan_narrows_the_kelurahan_to_its_own_sorted_by_name(staff_client):
    kecamatan = Kecamatan.objects.get(name="Banjarmasin Selatan")

    offered = _offered(staff_client.get(URL, {"kecamatan": kecamatan.pk}).content.decode())

    own = sorted(Kelurahan.objects.filter(kecamatan=kecamatan).values_list("name", flat=True))
    assert offered == own
    assert "Kuripan" not in offered  # Banjarmasin Timur


def test_a_kelurahan_of_another_kecamatan_is_not_accepted_with_the_chosen_kecamatan(staff_client):
    south = Kecamatan.objects.get(name="Banjarmasin Selatan")
    kuripan = Kelurahan.objects.get(name="Kuripan")
    in_south = BusinessFactory(
        name="Usaha di Selatan", kelurahan=Kelurahan.objects.filter(kecamatan=south).first()
    )
    BusinessFactory(name="Usaha di Kuripan", kelurahan=kuripan)

    response = staff_client.get(URL, {"kecamatan": south.pk, "kelurahan": kuripan.pk})

    assert response.status_code == 200
    assert [b.name for b in response.context["page"]] == [in_south.name]


def test_an_unknown_kecamatan_leaves_every_kelurahan_on_offer(staff_client):
    response = staff_client.get(URL, {"kecamatan": "99.99.99"})

    assert response.status_code == 200
    assert len(_offered(response.content.decode())) == 52


def test_the_page_carries_every_kelurahan_for_the_live_narrowing_script(staff_client):
    body = staff_client.get(URL, {"kecamatan": Kecamatan.objects.first().pk}).content.decode()

    data = json.loads(
        re.search(
            r'<script id="id_kelurahan-semua" type="application/json">(.*?)</script>', body, re.S
        ).group(1)
    )
    assert len(data) == 52
    assert {"code", "name", "kecamatan"} == set(data[0])
    assert 'data-kecamatan-from="id_kecamatan"' in body
    assert "/static/js/kelurahan-filter.js" in body
