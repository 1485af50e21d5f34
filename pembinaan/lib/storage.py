"""Uploaded files in S3-compatible object storage (FILE_STORAGE=s3): MinIO on the city's own server,
or any store that speaks the S3 protocol, so that every app server sees the same files.

The bucket holds NIKs in import results, owners' photos and grant evidence, so it stays private
whatever a caller asks: every object is written with the private ACL, and a file's URL is the same
unserved address the local disk gives (MEDIA_URL), never a signed link to the bucket. Files reach
people only through the views that check who may see them (`pembinaan.lib.uploads.private_download`
and the photo views), exactly as on local disk.
"""

from __future__ import annotations

from urllib.parse import urljoin

from botocore.config import Config
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Reads are streamed to the visitor from a temporary file; above this size it is on disk, not in
# memory (django-storages' default keeps a whole export file in memory).
SPOOL_MAX_BYTES = 2 * 1024 * 1024


class PrivateS3Storage(S3Storage):
    """S3Storage that can neither publish an object nor hand out a link to one."""

    def __init__(self, **options):
        options.update(default_acl="private", querystring_auth=True, file_overwrite=False)
        options.setdefault("max_memory_size", SPOOL_MAX_BYTES)
        # A store that accepts connections and never answers must not hold a request for ever.
        options.setdefault(
            "client_config",
            Config(
                s3={"addressing_style": options.get("addressing_style") or "path"},
                signature_version="s3v4",
                connect_timeout=settings.S3_CONNECT_TIMEOUT,
                read_timeout=settings.S3_READ_TIMEOUT,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )
        super().__init__(**options)

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        # The same address local files get: one the portal does not serve.
        return urljoin(settings.MEDIA_URL, filepath_to_uri(clean_name(name)))
