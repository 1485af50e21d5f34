"""Issue 15: an oversized POST from someone not logged in is refused with 413 before its body is
read (it used to be written to disk before CSRF refused it); logged-in uploads keep their limits."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pembinaan.imports.models import ImportRun
from tests.factories import make_nik
from tests.imports.files import HEADER, xlsx

pytestmark = pytest.mark.django_db


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _post_declaring(client: Client, url: str, length: int):
    return client.post(
        url,
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


@pytest.mark.parametrize(
    "url_name",
    ["accounts:login", "enrolment:owner", "accounts:password-reset", "accounts:password-reset-code"],
)
def test_an_anonymous_post_over_the_limit_gets_413_without_its_body_being_read(url_name, settings):
    response = _post_declaring(Client(), reverse(url_name), 300 * 1024 * 1024)
    assert response.status_code == 413
    body = response.content.decode()
    assert "Kiriman terlalu besar" in body
    assert "1,0\xa0MB" in body  # the limit, ANON_MAX_BODY_BYTES, as Indonesian writes it


def test_the_limit_is_taken_from_the_settings(settings):
    settings.ANON_MAX_BODY_BYTES = 2048
    assert _post_declaring(Client(), reverse("accounts:login"), 2049).status_code == 413


def test_an_anonymous_login_within_the_limit_is_handled_as_usual(staff_user):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": staff_user.email, "password": "rahasia-uji-123"}
    )
    assert response.status_code == 302


def _import_file() -> bytes:
    rows = [HEADER] + [
        [make_nik(), f"Pemilik {i}", "", f"0812-0000-{1000 + i}", f"Usaha {i}", "", "", "Mawar", ""]
        for i in range(40)
    ]
    return xlsx(rows)


def test_a_logged_in_import_upload_larger_than_the_anonymous_limit_still_goes_through(staff_client, settings):
    data = _import_file()
    settings.ANON_MAX_BODY_BYTES = len(data) // 2  # the file alone is twice the anonymous limit
    response = staff_client.post(
        reverse("imports:run-list"),
        {"kind": "usaha", "file": SimpleUploadedFile("umkm.xlsx", data)},
        follow=False,
    )
    assert response.status_code == 302
    assert ImportRun.objects.count() == 1


def test_the_same_upload_without_logging_in_is_refused_before_anything_is_stored(settings):
    data = _import_file()
    settings.ANON_MAX_BODY_BYTES = len(data) // 2
    response = Client().post(
        reverse("imports:run-list"), {"kind": "usaha", "file": SimpleUploadedFile("umkm.xlsx", data)}
    )
    assert response.status_code == 413
    assert not ImportRun.objects.exists()
