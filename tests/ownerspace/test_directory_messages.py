"""The directory says "no match" only in answer to a search (issue 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pembinaan.reference.models import Kelurahan
from tests.ownerspace.test_directory import _public_business

pytestmark = pytest.mark.django_db

NO_MATCH = "Tidak ada usaha yang cocok dengan pencarian."
EMPTY = "Belum ada usaha yang ditampilkan di direktori."
URL = reverse("ownerspace:directory")


def test_an_empty_directory_says_so_without_speaking_of_a_search(anon_client):
    body = anon_client.get(URL).content.decode()

    assert EMPTY in body
    assert NO_MATCH not in body
    assert "0 usaha" not in body


def test_a_search_that_finds_nothing_says_no_business_matches(anon_client):
    _public_business(name="Amplang Bu Sari", products="amplang")

    body = anon_client.get(URL, {"nama": "sasirangan"}).content.decode()

    assert NO_MATCH in body
    assert EMPTY not in body
    assert "0 usaha" in body


def test_a_kelurahan_with_no_public_business_is_a_search_too(anon_client):
    _public_business(name="Amplang Bu Sari", kelurahan=Kelurahan.objects.first())

    body = anon_client.get(URL, {"kelurahan": Kelurahan.objects.last().pk}).content.decode()

    assert NO_MATCH in body


def test_paging_alone_is_not_a_search(anon_client):
    body = anon_client.get(URL, {"halaman": "2"}).content.decode()

    assert NO_MATCH not in body


def test_the_directory_lists_businesses_before_any_search_without_any_message(anon_client):
    _public_business(name="Amplang Bu Sari", products="amplang")

    body = anon_client.get(URL).content.decode()

    assert "Amplang Bu Sari" in body
    assert NO_MATCH not in body and EMPTY not in body
