"""Symmetric encryption with GnuPG, the tool an IT officer can also run by hand.

Every part of a backup is one `gpg --symmetric --cipher-algo AES256` stream, so that
`gpg --pinentry-mode loopback --output database.pgdump --decrypt database.pgdump.gpg` (asking for the
passphrase) opens it on any machine without the portal. Data flows through pipes, never whole in
memory; the passphrase goes through a pipe of its own (`--passphrase-fd`), never on a command line
or in the environment of the child, where other users could read it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from pembinaan.backups.errors import BackupError

# gpg's own compression is off: a pg_dump custom file is compressed already, and photos, PDFs and
# spreadsheets do not shrink; compressing them again only costs time.
_COMMON = ["--batch", "--quiet", "--no-tty", "--pinentry-mode", "loopback", "--no-symkey-cache"]


class Gpg:
    """A private, throw-away GnuPG home for one backup or restore (symmetric keys need no keyring).

    Use as a context manager: on exit the gpg-agent that gpg starts in that home is stopped and the
    home deleted.
    """

    def __init__(self) -> None:
        if shutil.which("gpg") is None:
            raise BackupError("gpg is not installed (Debian: apt-get install gnupg).")
        self.home = Path(tempfile.mkdtemp(prefix="umkm-gpg-"))

    def __enter__(self) -> Gpg:
        return self

    def __exit__(self, *exc_info) -> None:
        if shutil.which("gpgconf"):
            subprocess.run(  # noqa: S603
                ["gpgconf", "--homedir", str(self.home), "--kill", "gpg-agent"],  # noqa: S607
                capture_output=True,
                check=False,
            )
        shutil.rmtree(self.home, ignore_errors=True)

    def encrypt(
        self, *, passphrase: str, stdin: IO[bytes] | int, output: Path, stderr: IO
    ) -> subprocess.Popen:
        """Start encrypting what arrives on `stdin` into `output`; the caller waits for it."""
        return self._start(
            passphrase,
            [
                "--symmetric",
                "--cipher-algo",
                "AES256",
                "--s2k-digest-algo",
                "SHA512",
                "--compress-algo",
                "none",
                "--yes",
                "--output",
                str(output),
            ],
            stdin=stdin,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )

    def decrypt(
        self, *, passphrase: str, source: Path, stdout: IO[bytes] | int, stderr: IO
    ) -> subprocess.Popen:
        """Start decrypting `source` to `stdout`; gpg fails (exit status 2) on a wrong passphrase or
        on a file changed since it was written (the modification detection code)."""
        return self._start(
            passphrase, ["--decrypt", str(source)], stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr
        )

    def _start(self, passphrase: str, args: list[str], **streams) -> subprocess.Popen:
        read_end, write_end = os.pipe()
        try:
            # A pipe holds 64 KiB; a passphrase is far shorter, so this never blocks.
            os.write(write_end, passphrase.encode())
        finally:
            os.close(write_end)
        try:
            return subprocess.Popen(  # noqa: S603
                ["gpg", "--homedir", str(self.home), *_COMMON, "--passphrase-fd", str(read_end), *args],  # noqa: S607
                pass_fds=(read_end,),
                **streams,
            )
        finally:
            os.close(read_end)


def wrong_passphrase(stderr_text: str) -> bool:
    return "Bad session key" in stderr_text or "decryption failed" in stderr_text
