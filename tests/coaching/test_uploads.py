"""Upload checks: images and PDF only, by content not by name, size-limited, no image bombs (issue 3)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pembinaan.lib import uploads
from pembinaan.lib.uploads import check_upload

pytestmark = pytest.mark.django_db

MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n"
    b"%%EOF\n"
)


def _image_bytes(fmt: str, size=(40, 30), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    image = Image.new(mode, size)
    if mode == "RGB":
        # Some texture, so that the file is a real photo-like image and not a trivial one.
        image.putdata(
            [((x * 7) % 256, (y * 11) % 256, (x * y) % 256) for y in range(size[1]) for x in range(size[0])]
        )
    image.save(buffer, fmt)
    return buffer.getvalue()


def _refused(upload) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        check_upload(upload)
    return exc.value


class TestAccepted:
    def test_a_real_png_is_accepted_as_png(self):
        checked = check_upload(SimpleUploadedFile("foto kegiatan.png", _image_bytes("PNG"), "image/png"))
        assert (checked.content_type, checked.extension) == ("image/png", ".png")
        assert checked.size == len(_image_bytes("PNG"))
        assert len(checked.token) == 32

    def test_a_real_jpeg_is_accepted_as_jpeg(self):
        data = _image_bytes("JPEG")
        checked = check_upload(SimpleUploadedFile("IMG_20240514.jpeg", data, "image/jpeg"))
        assert (checked.content_type, checked.extension) == ("image/jpeg", ".jpg")
        assert checked.size == len(data)

    def test_a_minimal_pdf_is_accepted_as_pdf(self):
        checked = check_upload(SimpleUploadedFile("daftar hadir.pdf", MINIMAL_PDF, "application/pdf"))
        assert (checked.content_type, checked.extension) == ("application/pdf", ".pdf")

    def test_the_type_comes_from_the_content_not_from_the_name_or_the_browser(self):
        checked = check_upload(SimpleUploadedFile("laporan.pdf", _image_bytes("PNG"), "application/pdf"))
        assert (checked.content_type, checked.extension) == ("image/png", ".png")

    def test_each_upload_gets_a_new_token(self):
        data = _image_bytes("PNG")
        first = check_upload(SimpleUploadedFile("a.png", data))
        second = check_upload(SimpleUploadedFile("a.png", data))
        assert first.token != second.token

    def test_the_file_can_be_read_from_the_start_after_the_check(self):
        data = _image_bytes("JPEG")
        upload = SimpleUploadedFile("a.jpg", data)
        check_upload(upload)
        assert upload.read() == data


class TestRefused:
    def test_a_windows_executable_renamed_to_jpg_is_refused(self):
        exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
        error = _refused(SimpleUploadedFile("foto.jpg", exe, "image/jpeg"))
        assert error.code == "type"
        assert "Hanya foto (JPEG, PNG) atau PDF yang diterima" in error.messages[0]

    @pytest.mark.parametrize(
        "content",
        [
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        ],
    )
    def test_html_or_svg_named_png_is_refused(self, content):
        error = _refused(SimpleUploadedFile("logo.png", content, "image/png"))
        assert error.code == "type"

    def test_a_gif_is_refused(self):
        error = _refused(SimpleUploadedFile("animasi.png", _image_bytes("GIF"), "image/png"))
        assert error.code == "type"

    def test_an_empty_file_is_refused(self):
        error = _refused(SimpleUploadedFile("kosong.png", b"", "image/png"))
        assert error.code == "empty"
        assert error.messages == ["Berkas kosong."]

    def test_a_file_over_the_size_limit_is_refused(self, settings):
        data = _image_bytes("PNG")
        settings.UPLOAD_MAX_BYTES = len(data) - 1
        error = _refused(SimpleUploadedFile("besar.png", data, "image/png"))
        assert error.code == "too_large"
        assert "Berkas terlalu besar" in error.messages[0]

    def test_a_file_exactly_at_the_size_limit_is_accepted(self, settings):
        data = _image_bytes("PNG")
        settings.UPLOAD_MAX_BYTES = len(data)
        assert check_upload(SimpleUploadedFile("pas.png", data)).size == len(data)

    def test_an_image_bomb_of_20000_by_20000_pixels_is_refused(self):
        bomb = _image_bytes("PNG", size=(20_000, 20_000), mode="1")
        assert len(bomb) < 200_000  # small on disk, 400 million pixels once decoded
        error = _refused(SimpleUploadedFile("bom.png", bomb, "image/png"))
        assert error.code in ("pixels", "broken")
        assert error.messages[0].startswith("Gambar ")

    def test_an_8000_by_8000_image_is_refused_as_too_large_with_its_dimensions(self):
        bomb = _image_bytes("PNG", size=(8_000, 8_000), mode="1")
        error = _refused(SimpleUploadedFile("spanduk.png", bomb, "image/png"))
        assert error.code == "pixels"
        assert error.messages == ["Gambar terlalu besar (8000×8000 piksel)."]

    def test_an_image_over_the_pixel_limit_is_refused_with_its_dimensions(self, monkeypatch):
        monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 1_000)
        error = _refused(SimpleUploadedFile("poster.png", _image_bytes("PNG", size=(40, 30)), "image/png"))
        assert error.code == "pixels"
        assert error.messages == ["Gambar terlalu besar (40×30 piksel)."]

    def test_a_large_jpeg_over_the_pixel_limit_is_refused(self, monkeypatch):
        monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 1_000)
        error = _refused(SimpleUploadedFile("poster.jpg", _image_bytes("JPEG", size=(50, 50)), "image/jpeg"))
        assert error.code == "pixels"

    def test_a_truncated_png_is_refused(self):
        data = _image_bytes("PNG", size=(60, 60))
        error = _refused(SimpleUploadedFile("rusak.png", data[: len(data) // 2], "image/png"))
        assert error.code == "broken"
        assert error.messages == ["Gambar rusak atau tidak dapat dibaca."]

    def test_a_png_with_a_corrupted_chunk_is_refused(self):
        data = bytearray(_image_bytes("PNG", size=(60, 60)))
        start = data.index(b"IDAT") + 8
        data[start : start + 16] = b"\x00" * 16
        error = _refused(SimpleUploadedFile("rusak.png", bytes(data), "image/png"))
        assert error.code == "broken"

    def test_only_a_png_signature_is_refused(self):
        error = _refused(SimpleUploadedFile("kepala.png", b"\x89PNG\r\n\x1a\n", "image/png"))
        assert error.code == "broken"
