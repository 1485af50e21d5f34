"""The consent an owner gives at registration (docs/rules.md rule 10, UU 27/2022 PDP), and
whether it was withdrawn since.

The text is versioned here, in code, so that each stored consent names the exact words agreed to.
Change the text → give it a new VERSION; never edit the words of a version already in use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from pembinaan.enrolment.models import ClaimRequest
    from pembinaan.registry.models import Owner

VERSION = "2026-11-v1"

PURPOSE = _(
    "Dinas Koperasi, Usaha Mikro dan Tenaga Kerja Kota Banjarmasin memproses data pribadi Anda "
    "(nama, NIK, nomor HP, email) dan data usaha Anda hanya untuk program pembinaan UMKM: "
    "memverifikasi pendaftaran, mengundang Anda ke kegiatan pembinaan, mencatat pembinaan dan "
    "capaian usaha Anda, serta menyusun laporan jumlah UMKM terbina."
)
POINTS = [
    _(
        "Laporan kepada pimpinan dan DPRD hanya berisi angka gabungan, tanpa nama, NIK, nomor HP atau alamat Anda."
    ),
    _(
        "NIK Anda ditampilkan tersamar kepada staf; hanya petugas yang berwenang dapat melihatnya utuh, dan setiap akses dicatat."
    ),
    _("Data tidak dijual atau diberikan kepada pihak lain di luar program pembinaan."),
    _("Anda dapat mengunduh data Anda, menarik persetujuan, dan meminta penghapusan data melalui portal."),
]


# --- Withdrawn? (rule 10d) -----------------------------------------------------------------------
# One answer, read by every part that must stop once consent is withdrawn: the activity reminder,
# the public profile, Data Saya. The withdrawals themselves are privacy's records (a layer up),
# and privacy registers how to read them at start-up (PrivacyConfig.ready). Until it has, the
# question raises: answering "not withdrawn" by default would ignore a withdrawal without a word.

_withdrawal_readers: list[Callable[..., bool]] = []


def withdrawal_reader_register(reader: Callable[..., bool]) -> None:
    """`reader(owner=…)` or `reader(claim=…)` → True once consent was withdrawn. Called once, by privacy."""
    _withdrawal_readers[:] = [reader]


def _reader() -> Callable[..., bool]:
    if not _withdrawal_readers:
        raise ImproperlyConfigured(
            "No reader of consent withdrawals is registered (enrolment.consent.withdrawal_reader_register): "
            "pembinaan.privacy must be installed; its AppConfig.ready() registers it."
        )
    return _withdrawal_readers[0]


def consent_withdrawn(owner: Owner) -> bool:
    """True once the owner withdrew consent, also when they did so as a claimant of the record."""
    return _reader()(owner=owner)


def claim_consent_withdrawn(claim: ClaimRequest) -> bool:
    """True once a claimant withdrew the consent they gave when registering."""
    return _reader()(claim=claim)
