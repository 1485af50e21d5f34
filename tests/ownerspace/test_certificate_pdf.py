""" "Unduh sertifikat" hands the owner a PDF file, not a page; the printable page fits a phone (issue 14)."""

from __future__ import annotations

import base64
import re
import zlib

import pytest
from django.urls import reverse

from tests.coaching.factories import ActivityFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The text drawn on the pages (reportlab writes ASCII85 + Flate compressed streams)."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = stream.strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2], adobe=False)
        try:
            texts.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue
    return "".join("".join(re.findall(r"\((.*?)\) Tj", t)) for t in texts)


def _pdf_url(business):
    return reverse("ownerspace:certificate-pdf", args=[business.pk, business.attended.pk])


def test_the_owner_downloads_the_certificate_as_a_pdf_file(owner_client, mine):
    response = owner_client.get(_pdf_url(mine))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    participation = mine.attended
    number = f"{participation.activity.fiscal_year}-{participation.activity.pk}-{participation.pk}"
    assert response["Content-Disposition"] == f'attachment; filename="sertifikat-{number}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "SERTIFIKAT" in text
    assert mine.owner.name in text
    assert mine.name in text
    assert participation.activity.title in text


def test_the_business_page_links_unduh_sertifikat_to_the_pdf_download(owner_client, mine):
    page = owner_client.get(reverse("ownerspace:business-detail", args=[mine.pk])).content.decode()

    assert f'href="{_pdf_url(mine)}" download>Unduh sertifikat (PDF)</a>' in page


def test_the_printable_certificate_page_offers_the_pdf_too(owner_client, mine):
    page = owner_client.get(reverse("ownerspace:certificate", args=[mine.pk, mine.attended.pk]))

    assert _pdf_url(mine) in page.content.decode()


def test_another_owners_certificate_pdf_is_not_found(owner_client, theirs):
    assert owner_client.get(_pdf_url(theirs)).status_code == 404


@pytest.mark.parametrize("persona", ["admin_client", "staff_client", "viewer_client"])
def test_no_one_but_the_owner_gets_the_pdf(request, persona, mine):
    assert request.getfixturevalue(persona).get(_pdf_url(mine)).status_code in (403, 404)


def test_anonymous_visitors_are_sent_to_log_in(anon_client, mine):
    response = anon_client.get(_pdf_url(mine))

    assert response.status_code == 302
    assert "/akun/masuk/" in response.url


def test_no_pdf_for_an_activity_that_was_not_attended(owner_client, mine):
    participation = ParticipationFactory(business=mine, activity=ActivityFactory())

    url = reverse("ownerspace:certificate-pdf", args=[mine.pk, participation.pk])
    assert owner_client.get(url).status_code == 404


def test_an_owner_name_with_markup_characters_is_printed_as_text(owner_client, mine):
    mine.owner.name = "Siti & <Rahmah>"
    mine.owner.save(update_fields=["name"])

    response = owner_client.get(_pdf_url(mine))

    assert response.status_code == 200
    assert "Siti & <Rahmah>" in pdf_text(response.content)
