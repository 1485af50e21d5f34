"""Photos and documents of an activity: checked by content, stored under MEDIA_ROOT, served with care."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pembinaan.coaching.models import Activity, ActivityAttachment, CoachingType
from pembinaan.funding.models import FundingSource
from tests.coaching.factories import placeholder_line

pytestmark = pytest.mark.django_db

# What Windows executables start with: the "MZ" header and the DOS stub.
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"This program cannot be run in DOS mode." * 20
)


def _activity(**fields) -> Activity:
    values = {
        "title": "Workshop Kemasan Produk Olahan Ikan",
        "coaching_type": CoachingType.objects.get(code="workshop"),
        "start_date": datetime.date(2024, 5, 14),
        "end_date": datetime.date(2024, 5, 14),
        "venue": "Aula Dinas Koperasi",
        "funding_source": FundingSource.objects.get(code="apbd-kota"),
    }
    values.update(fields)
    values.setdefault("fiscal_year", values["start_date"].year)
    values.setdefault("budget_line", placeholder_line(values["funding_source"], values["fiscal_year"]))
    return Activity.objects.create(**values)


def _png_bytes(size: tuple[int, int] = (16, 12), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "orange" if mode == "RGB" else 0).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def activity(db):
    return _activity()


def _stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def _upload(client, activity: Activity, name: str, content: bytes, content_type: str, kind: str = "foto"):
    return client.post(
        reverse("coaching:attachment-upload", kwargs={"pk": activity.pk}),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type=content_type)},
        follow=True,
    )


def test_a_real_png_is_accepted_and_listed_on_the_activity_page(staff_client, staff_user, media, activity):
    response = _upload(staff_client, activity, "Foto Pembukaan.png", _png_bytes(), "image/png")

    attachment = ActivityAttachment.objects.get()
    html = response.content.decode()
    assert response.redirect_chain == [(reverse("coaching:activity-detail", kwargs={"pk": activity.pk}), 302)]
    assert "Berkas terunggah." in html
    assert "Foto Pembukaan.png" in html
    assert (
        reverse("coaching:attachment-download", kwargs={"pk": activity.pk, "attachment_pk": attachment.pk})
        in html
    )
    assert attachment.content_type == "image/png"
    assert attachment.uploaded_by == staff_user
    assert attachment.kind == ActivityAttachment.Kind.PHOTO


def test_the_stored_file_lies_under_media_root_and_not_under_the_uploaders_name(
    staff_client, media, activity
):
    _upload(staff_client, activity, "Foto Pembukaan.png", _png_bytes(), "image/png")

    (stored,) = _stored_files(media)
    assert stored.suffix == ".png"
    assert "Pembukaan" not in str(stored)
    assert stored.read_bytes() == _png_bytes()


def test_downloading_returns_the_same_bytes_as_an_attachment_that_is_not_sniffed(
    staff_client, media, activity
):
    content = _png_bytes()
    _upload(staff_client, activity, "daftar-hadir.png", content, "image/png", kind="daftar-hadir")
    attachment = ActivityAttachment.objects.get()

    response = staff_client.get(
        reverse("coaching:attachment-download", kwargs={"pk": activity.pk, "attachment_pk": attachment.pk})
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment")
    assert "daftar-hadir.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]


def test_a_pdf_is_accepted(staff_client, media, activity):
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

    _upload(staff_client, activity, "laporan.pdf", content, "application/pdf", kind="laporan")

    assert ActivityAttachment.objects.get().content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("laporan-kegiatan.pdf", "application/pdf"), ("foto.png", "image/png"), ("foto.jpg", "image/jpeg")],
)
def test_a_renamed_exe_is_refused_with_a_message_and_nothing_is_stored(
    staff_client, media, activity, name, content_type
):
    response = _upload(staff_client, activity, name, EXE_BYTES, content_type)

    assert "Hanya foto (JPEG, PNG) atau PDF yang diterima" in response.content.decode()
    assert ActivityAttachment.objects.count() == 0
    assert _stored_files(media) == []


def test_a_file_that_only_starts_like_a_png_is_refused(staff_client, media, activity):
    response = _upload(staff_client, activity, "foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "image/png")

    assert "Gambar rusak atau tidak dapat dibaca." in response.content.decode()
    assert ActivityAttachment.objects.count() == 0
    assert _stored_files(media) == []


def test_an_oversized_file_is_refused_with_its_size(staff_client, settings, media, activity):
    settings.UPLOAD_MAX_BYTES = 1_048_576

    response = _upload(
        staff_client, activity, "besar.pdf", b"%PDF-1.4\n" + b"0" * 1_200_000, "application/pdf"
    )

    assert "Berkas terlalu besar" in response.content.decode()
    assert ActivityAttachment.objects.count() == 0
    assert _stored_files(media) == []


def test_an_image_bomb_is_refused_before_it_is_decoded(staff_client, media, activity):
    bomb = _png_bytes(size=(8_000, 6_000), mode="1")  # 48 million pixels in a few kilobytes

    response = _upload(staff_client, activity, "bom.png", bomb, "image/png")

    assert "Gambar terlalu besar" in response.content.decode()
    assert ActivityAttachment.objects.count() == 0
    assert _stored_files(media) == []


def test_an_upload_without_a_file_is_refused_with_a_message(staff_client, media, activity):
    response = staff_client.post(
        reverse("coaching:attachment-upload", kwargs={"pk": activity.pk}), {"kind": "foto"}, follow=True
    )

    assert response.redirect_chain == [(reverse("coaching:activity-detail", kwargs={"pk": activity.pk}), 302)]
    assert 'alert-danger" role="status"' in response.content.decode()
    assert ActivityAttachment.objects.count() == 0
