"""Data Saya right after registering: the same answer whether or not the NIK was already on record.

It used to answer 404 to a claimant (no owner record of their own until the claim is proven) and
200 to a new registrant, which told anyone who typed a stranger's NIK that the dinas holds it."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.enrolment.helpers import owner_data, register
from tests.factories import OwnerFactory, make_nik

pytestmark = pytest.mark.django_db


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html, re.S)]


@pytest.fixture
def record():
    return OwnerFactory(name="Hj. Rahmah Lama", email="rahmah.lama@contoh.test", phone="+6281299990001")


def test_a_claimant_and_a_new_registrant_get_the_same_data_saya_page(record):
    new, claimant = Client(), Client()
    register(
        new, owner=owner_data(nik=make_nik(female=True), phone="0812-7777-0001", email="baru@contoh.test")
    )
    register(claimant, owner=owner_data(nik=record.nik, phone="0812-7777-0002", email="klaim@contoh.test"))

    new_page, claimant_page = (c.get(reverse("privacy:my-data")) for c in (new, claimant))

    assert new_page.status_code == claimant_page.status_code == 200
    assert [t.name for t in new_page.templates] == [t.name for t in claimant_page.templates]
    assert headings(new_page.content.decode()) == headings(claimant_page.content.decode())
    html = claimant_page.content.decode()
    assert "klaim@contoh.test" in html and "Amplang Bu Siti" in html  # what they typed
    assert "Rahmah" not in html and "rahmah.lama" not in html and "9999-0001" not in html


def test_a_claimant_downloads_what_they_typed_and_nothing_of_the_record(record):
    claimant = Client()
    register(claimant, owner=owner_data(nik=record.nik, phone="0812-7777-0002", email="klaim@contoh.test"))

    response = claimant.get(reverse("privacy:my-data-download"))

    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["owner"]["email"] == "klaim@contoh.test"
    assert [b["name"] for b in data["businesses"]] == ["Amplang Bu Siti"]
    assert "Rahmah" not in response.content.decode()


def test_an_owner_account_with_neither_a_record_nor_a_claim_still_gets_404(owner_user):
    from pembinaan.registry.models import Owner

    Owner.objects.filter(user=owner_user).update(user=None)
    client = Client()
    client.force_login(owner_user)
    assert client.get(reverse("privacy:my-data")).status_code == 404
