"""Registration form data and a helper that walks a client through the three steps."""

from __future__ import annotations

from django.urls import reverse

from pembinaan.reference.models import Kelurahan
from tests.factories import make_nik

PASSWORD = "Sasirangan-Banjar-2026"


def owner_data(**overrides) -> dict:
    data = {
        "name": "Siti Aminah",
        "nik": make_nik(female=True),
        "phone": "0812-7777-0001",
        "email": "siti@contoh.test",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "website": "",
    }
    data.update(overrides)
    return data


def business_data(**overrides) -> dict:
    data = {
        "name": "Amplang Bu Siti",
        "kelurahan": Kelurahan.objects.order_by("code").first().pk,
        "address": "Jl. Kelayan B No. 12",
        "kbli_category": "C",
        "products": "Amplang ikan pipih",
        "start_year": "2019",
        "employees": "3",
        "annual_sales": "60.000.000",
        "capital": "15.000.000",
        "nib": "",
        "website": "",
    }
    data.update(overrides)
    return data


def register(client, *, owner=None, business=None, consent=None):
    """Post the three steps; returns the last response."""
    response = client.post(reverse("enrolment:owner"), owner or owner_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("enrolment:business"), business or business_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.post(reverse("enrolment:consent"), consent or {"agree": "on", "website": ""})


def page_shape(response) -> tuple:
    """What a page looks like without its words: templates used, status, headings (h1/h2) in order."""
    import re

    html = response.content.decode()
    headings = [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, flags=re.S)
    ]
    # Only what the page itself is built from; emails rendered while answering are no part of it.
    templates = [
        t.name
        for t in response.templates
        if t.name and t.name.startswith("enrolment/") and not t.name.startswith("enrolment/email/")
    ]
    return response.status_code, templates, headings
