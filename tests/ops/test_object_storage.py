"""Uploaded files in S3-compatible object storage (FILE_STORAGE=s3), against a real S3 server on
127.0.0.1 (moto's): what is uploaded lands in the bucket as a private object, the portal's views
still stream it to the people allowed to see it, and nobody gets the bucket's address."""

from __future__ import annotations

import io
import os
import secrets
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from pembinaan.coaching.models import ActivityAttachment
from pembinaan.imports.models import ImportRun
from pembinaan.jobs.models import Job
from pembinaan.ownerspace.models import BusinessProfile
from tests.coaching.factories import ActivityFactory
from tests.factories import BusinessFactory, make_nik
from tests.imports.files import HEADER, xlsx
from tests.workers import database_url

pytestmark = pytest.mark.django_db

ACCESS_KEY, SECRET_KEY = "portal-test-key", "portal-test-secret"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on a free port of 127.0.0.1, for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Bucket:
    def __init__(self, endpoint: str, name: str):
        self.endpoint, self.name = endpoint, name
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )

    def keys(self) -> list[str]:
        return [o["Key"] for o in self.client.list_objects_v2(Bucket=self.name).get("Contents", [])]

    def body(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def anonymous_get(self, key: str) -> int:
        """The status an anonymous GET of the object's own address gets from the S3 server."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{self.name}/{key}") as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def public_grants(self, key: str) -> list:
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return [g for g in grants if g["Grantee"].get("URI") == ALL_USERS]


@pytest.fixture
def bucket(s3_server, settings) -> Bucket:
    """A fresh private bucket, and the portal's default storage pointed at it (FILE_STORAGE=s3)."""
    bucket = Bucket(s3_server, f"umkm-{secrets.token_hex(4)}")
    bucket.client.create_bucket(Bucket=bucket.name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "pembinaan.lib.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": bucket.name,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
            },
        },
    }
    return bucket


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), "orange").save(buffer, "JPEG")
    return buffer.getvalue()


def _private(bucket: Bucket, key: str) -> None:
    # moto answers an anonymous GET with 403 for a private object and 200 for a public-read one,
    # as S3 does; the ACL is checked too, for stores that ignore ACLs on reads (MinIO).
    assert bucket.anonymous_get(key) == 403
    assert bucket.public_grants(key) == []


def test_the_test_server_does_serve_a_public_object_to_anyone(bucket):
    # Without this, the 403s below would prove nothing about the portal.
    bucket.client.put_object(Bucket=bucket.name, Key="umum.txt", Body=b"umum", ACL="public-read")
    assert bucket.anonymous_get("umum.txt") == 200


def test_a_profile_photo_goes_to_the_bucket_as_a_private_object_and_the_portal_serves_it(
    bucket, owner_user, owner_client, anon_client
):
    business = BusinessFactory(owner=owner_user.owner_profile, name="Kopi Aruh")
    response = owner_client.post(
        reverse("ownerspace:profile-edit", args=[business.pk]),
        {
            "is_public": "on",
            "contact": "hp",
            "photo": SimpleUploadedFile("foto.jpg", _jpeg(), content_type="image/jpeg"),
        },
    )

    assert response.status_code == 302
    profile = BusinessProfile.objects.get(business=business)
    assert bucket.keys() == [profile.photo.name]
    _private(bucket, profile.photo.name)
    public = anon_client.get(reverse("ownerspace:public-photo", args=[business.pk]))
    own = owner_client.get(reverse("ownerspace:profile-photo", args=[business.pk]))
    stored = bucket.body(profile.photo.name)
    assert public.status_code == 200 and b"".join(public.streaming_content) == stored
    assert own.status_code == 200 and b"".join(own.streaming_content) == stored
    assert public["Content-Type"] == "image/jpeg" and own["Cache-Control"] == "private, no-store"
    page = anon_client.get(reverse("ownerspace:public-profile", args=[business.pk])).content.decode()
    assert reverse("ownerspace:public-photo", args=[business.pk]) in page
    assert bucket.endpoint not in page and bucket.name not in page


def test_a_replaced_photo_is_deleted_from_the_bucket(
    bucket, owner_user, owner_client, django_capture_on_commit_callbacks
):
    business = BusinessFactory(owner=owner_user.owner_profile)
    url = reverse("ownerspace:profile-edit", args=[business.pk])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post(
                url, {"is_public": "on", "contact": "hp", "photo": SimpleUploadedFile("f.jpg", _jpeg())}
            )

    assert bucket.keys() == [BusinessProfile.objects.get(business=business).photo.name]


def test_an_activity_document_is_stored_privately_and_downloaded_only_through_the_portal(
    bucket, staff_client, owner_client
):
    activity = ActivityFactory()
    pdf = b"%PDF-1.4\n% daftar hadir\n%%EOF\n"
    staff_client.post(
        reverse("coaching:attachment-upload", kwargs={"pk": activity.pk}),
        {"kind": "daftar-hadir", "file": SimpleUploadedFile("Daftar Hadir.pdf", pdf, "application/pdf")},
    )

    attachment = ActivityAttachment.objects.get()
    assert bucket.keys() == [attachment.file.name] and bucket.body(attachment.file.name) == pdf
    _private(bucket, attachment.file.name)
    url = reverse("coaching:attachment-download", kwargs={"pk": activity.pk, "attachment_pk": attachment.pk})
    response = staff_client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Location" not in response  # streamed, never a redirect to the bucket
    assert owner_client.get(url).status_code in (403, 404)


def test_an_export_job_writes_its_file_to_the_bucket_privately_and_its_creator_downloads_it(
    bucket, staff_client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    BusinessFactory.create_batch(4, name="Amplang Banjar")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.get(reverse("registry:business-export", args=["csv"]), {"q": "amplang"})

    job = Job.objects.get()
    assert job.status == "selesai", job.message
    assert bucket.keys() == [job.result.name]
    _private(bucket, job.result.name)
    response = staff_client.get(reverse("jobs:job-download", args=[job.pk]))
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and content == bucket.body(job.result.name)
    assert content.decode("utf-8-sig").count("Amplang Banjar") == 4


def test_an_expired_export_file_is_gone_from_the_bucket_and_its_download_is_a_404(
    bucket, staff_client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    BusinessFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.get(reverse("registry:business-export", args=["csv"]))
    job = Job.objects.get()

    bucket.client.delete_object(Bucket=bucket.name, Key=job.result.name)

    assert staff_client.get(reverse("jobs:job-download", args=[job.pk])).status_code == 404


def test_an_import_file_never_reaches_the_bucket(bucket, staff_client):
    # The raw file (NIKs, phone numbers) stays in its ImportRun row until the run ends, so it is
    # in the encrypted database backup and nowhere else.
    data = xlsx(
        [HEADER, [make_nik(), "Pemilik Satu", "", "0812-0000-1001", "Usaha Satu", "", "", "Mawar", ""]]
    )
    response = staff_client.post(
        reverse("imports:run-list"), {"kind": "usaha", "file": SimpleUploadedFile("umkm.xlsx", data)}
    )

    run = ImportRun.objects.get()
    assert response.status_code == 302 and bytes(run.content) == data
    assert bucket.keys() == []


def test_a_stored_file_has_no_address_outside_the_portal(bucket):
    name = default_storage.save("uji/berkas.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"))

    url = default_storage.url(name)
    assert url == "/media-tidak-dilayani/" + name
    assert bucket.endpoint not in url and "Signature" not in url


def _manage(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FILE_STORAGE"))}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_file_storage_s3_in_the_environment_stores_files_privately_in_the_named_bucket(bucket):
    result = _manage(
        {
            "FILE_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket.name,
            "AWS_S3_ENDPOINT_URL": bucket.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        },
        "shell",
        "-c",
        "from django.core.files.base import ContentFile; from django.core.files.storage import default_storage;"
        "print(default_storage.save('uji/surat.pdf', ContentFile(b'%PDF-1.4')))",
    )

    assert result.returncode == 0, result.stderr
    assert bucket.keys() == ["uji/surat.pdf"] == [result.stdout.strip().splitlines()[-1]]
    _private(bucket, "uji/surat.pdf")


@pytest.mark.parametrize(
    ("env_extra", "message"),
    [
        ({"FILE_STORAGE": "s3"}, "FILE_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME."),
        ({"FILE_STORAGE": "ftp"}, "FILE_STORAGE must be 'local' or 's3'."),
    ],
    ids=["no-bucket", "unknown-storage"],
)
def test_the_portal_refuses_to_start_with_an_incomplete_file_storage_setting(env_extra, message):
    result = _manage(env_extra, "check")

    assert result.returncode != 0
    assert message in result.stderr


def test_a_backup_saves_the_buckets_files_and_they_open_with_gpg_by_hand(bucket, tmp_path):
    bucket.client.put_object(Bucket=bucket.name, Key="profil/7/foto.jpg", Body=_jpeg())
    bucket.client.put_object(Bucket=bucket.name, Key="bukti/surat.pdf", Body=b"%PDF-1.4\n%%EOF\n")
    passphrase = "kunci-cadangan-dinas-2026"

    result = _manage(
        {
            "DATABASE_URL": database_url(),
            "FILE_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket.name,
            "AWS_S3_ENDPOINT_URL": bucket.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "BACKUP_PASSPHRASE": passphrase,
        },
        "backup",
        "--dir",
        str(tmp_path / "backups"),
    )

    assert result.returncode == 0, result.stderr
    assert "files (PrivateS3Storage): 2 files" in result.stdout
    (backup,) = (tmp_path / "backups").iterdir()
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    opened = subprocess.run(
        ["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback", "--passphrase-fd", "0"]
        + ["--decrypt", str(backup / "media.tar.gpg")],
        input=passphrase.encode(),
        capture_output=True,
    )
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], check=False)  # noqa: S607
    with tarfile.open(fileobj=io.BytesIO(opened.stdout)) as tar:
        saved = {member.name: tar.extractfile(member).read() for member in tar.getmembers()}
    assert saved == {key: bucket.body(key) for key in bucket.keys()}
