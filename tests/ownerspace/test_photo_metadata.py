"""A public profile photo is published as pixels only: no GPS position, no camera data (issue 14)."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pembinaan.ownerspace.models import BusinessProfile

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
# Banjarmasin, more or less: what a phone writes into a photo taken at home.
GPS = {1: "S", 2: (3.0, 19.0, 12.0), 3: "E", 4: (114.0, 35.0, 24.0)}


def _phone_photo(size=(40, 20), *, orientation: int | None = None, fmt="JPEG", mode="RGB") -> bytes:
    image = Image.new(mode, size, "orange" if mode == "RGB" else (255, 128, 0, 128))
    exif = Image.Exif()
    exif[0x010F] = "Kamera HP"  # Make
    exif.get_ifd(GPS_IFD).update(GPS)
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    extra = {"comment": b"rumah Bu Sari"} if fmt == "JPEG" else {}
    image.save(buffer, fmt, exif=exif, icc_profile=b"\0" * 128, **extra)
    return buffer.getvalue()


def _upload(client, business, content: bytes, name="foto.jpg", content_type="image/jpeg"):
    return client.post(
        reverse("ownerspace:profile-edit", args=[business.pk]),
        {"is_public": "on", "contact": "hp", "photo": SimpleUploadedFile(name, content, content_type)},
    )


def _served(anon_client, business) -> tuple[bytes, Image.Image]:
    response = anon_client.get(reverse("ownerspace:public-photo", args=[business.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    image = Image.open(io.BytesIO(data))
    image.load()
    return data, image


def test_the_test_photo_really_carries_a_gps_position():
    image = Image.open(io.BytesIO(_phone_photo()))
    assert image.getexif().get_ifd(GPS_IFD)[1] == "S"


def test_an_uploaded_photo_is_published_without_its_gps_position_or_camera_data(
    owner_client, anon_client, mine, media
):
    response = _upload(owner_client, mine, _phone_photo())

    assert response.status_code == 302
    data, image = _served(anon_client, mine)
    assert image.format == "JPEG"
    assert image.size == (40, 20)
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info
    assert "icc_profile" not in image.info
    assert "comment" not in image.info
    assert b"Exif" not in data and b"Kamera HP" not in data and b"rumah Bu Sari" not in data


def test_the_stored_file_is_the_cleaned_one_not_the_upload(owner_client, mine, media):
    _upload(owner_client, mine, _phone_photo())

    profile = BusinessProfile.objects.get(business=mine)
    stored = list((media / "profil" / str(mine.pk)).iterdir())
    assert [p.name for p in stored] == [profile.photo.name.rsplit("/", 1)[-1]]
    assert b"Kamera HP" not in stored[0].read_bytes()


def test_a_sideways_phone_photo_is_turned_upright_before_its_orientation_tag_is_dropped(
    owner_client, anon_client, mine, media
):
    # Orientation 6: the camera held upright, the sensor's pixels stored sideways.
    _upload(owner_client, mine, _phone_photo((40, 20), orientation=6))

    _data, image = _served(anon_client, mine)
    assert image.size == (20, 40)
    assert ORIENTATION not in image.getexif()


def test_a_large_photo_is_scaled_down_to_1600_pixels_on_its_longest_side(
    owner_client, anon_client, mine, media
):
    _upload(owner_client, mine, _phone_photo((2400, 1200)))

    _data, image = _served(anon_client, mine)
    assert image.size == (1600, 800)


def test_a_transparent_png_stays_a_png_without_its_metadata(owner_client, anon_client, mine, media):
    _upload(owner_client, mine, _phone_photo(fmt="PNG", mode="RGBA"), "logo.png", "image/png")

    data, image = _served(anon_client, mine)
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert not image.getexif()
    assert "icc_profile" not in image.info
    assert b"eXIf" not in data


def test_an_upload_that_is_not_an_image_is_refused_with_a_message(owner_client, mine, media):
    response = _upload(owner_client, mine, b"MZ\x90\x00 not a photo", "foto.jpg")

    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [
        "Hanya foto (JPEG, PNG) atau PDF yang diterima; isi berkas ini bukan salah satunya."
    ]
    assert "is-invalid" in response.content.decode()
    assert not BusinessProfile.objects.get(business=mine).photo


def test_photos_stored_before_the_cleaning_are_cleaned_by_the_migration(anon_client, mine, media):
    profile = BusinessProfile.objects.get(business=mine)
    profile.photo_token, profile.photo_extension = "lama", ".jpg"
    profile.photo.save("lama.jpg", ContentFile(_phone_photo()), save=True)
    old_path = media / profile.photo.name
    assert old_path.exists()

    migration = importlib.import_module("pembinaan.ownerspace.migrations.0003_reencode_stored_photos")
    migration.reencode(apps, None)

    profile.refresh_from_db()
    assert not old_path.exists()
    assert profile.photo_token != "lama"
    data, image = _served(anon_client, mine)
    assert not image.getexif()
    assert b"Kamera HP" not in data


def test_the_profile_form_tells_the_owner_that_the_location_is_removed(owner_client, mine):
    page = owner_client.get(reverse("ownerspace:profile-edit", args=[mine.pk])).content.decode()

    assert "Lokasi (GPS) dan data kamera dihapus sebelum foto disimpan." in page
