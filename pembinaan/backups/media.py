"""The files part of a backup: every file of the portal's file storage (MEDIA_ROOT on local disk, or
the bucket with FILE_STORAGE=s3) as one tar stream, encrypted on the way out, and back.

It goes through Django's storage API, so the same code saves a local media directory and a bucket,
and restores either into the other.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage, default_storage

from pembinaan.backups.errors import BackupError
from pembinaan.backups.gpg import Gpg

# Restored files wait in memory up to this size, above it in a temporary file.
_SPOOL_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class MediaFacts:
    storage: str
    files: int
    bytes: int


def stored_files(storage: Storage = default_storage, directory: str = "") -> Iterator[str]:
    """Every file's name in the storage, depth first; none when a local MEDIA_ROOT does not exist."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from stored_files(storage, f"{directory}/{sub}" if directory else sub)


def media_dump(*, gpg: Gpg, passphrase: str, output: Path, log: IO) -> MediaFacts:
    encrypt = gpg.encrypt(passphrase=passphrase, stdin=subprocess.PIPE, output=output, stderr=log)
    count = size = 0
    try:
        with tarfile.open(fileobj=encrypt.stdin, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            for name in stored_files():
                try:
                    handle = default_storage.open(name, "rb")
                except FileNotFoundError:
                    continue  # deleted since it was listed (an expired export): nothing to save
                with handle:
                    info = tarfile.TarInfo(name)
                    info.size = handle.size
                    info.mode = 0o640
                    info.mtime = int(default_storage.get_modified_time(name).timestamp())
                    tar.addfile(info, handle)
                count, size = count + 1, size + info.size
    finally:
        encrypt.stdin.close()
        encrypt.wait()
    if encrypt.returncode != 0:
        log.seek(0)
        raise BackupError(
            "gpg (encrypting the files) failed:\n" + log.read().decode(errors="replace")[-2000:]
        )
    return MediaFacts(storage=default_storage.__class__.__name__, files=count, bytes=size)


def media_restore(*, gpg: Gpg, passphrase: str, source: Path, log: IO) -> int:
    """Put every file of the backup back under its own name; returns how many."""
    decrypt = gpg.decrypt(passphrase=passphrase, source=source, stdout=subprocess.PIPE, stderr=log)
    count = 0
    try:
        with tarfile.open(fileobj=decrypt.stdout, mode="r|") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                name = _safe_name(member.name)
                with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
                    shutil.copyfileobj(tar.extractfile(member), spool)
                    spool.seek(0)
                    saved = default_storage.save(name, File(spool, name=name))
                if saved != name:
                    raise BackupError(f"The file storage renamed {name} to {saved}: it was not empty.")
                count += 1
    except tarfile.TarError as exc:
        decrypt.kill()
        raise BackupError(f"The files part of this backup cannot be read: {exc}") from exc
    finally:
        decrypt.stdout.close()
        decrypt.wait()
    if decrypt.returncode != 0:
        log.seek(0)
        raise BackupError(
            "gpg (decrypting the files) failed:\n" + log.read().decode(errors="replace")[-2000:]
        )
    return count


def _safe_name(name: str) -> str:
    """A relative name inside the storage: an absolute path or `..` in a tar is refused."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The files part holds an unsafe name: {name!r}.")
    return str(path)
