"""The consent an owner gives at registration (docs/rules.md rule 10, UU 27/2022 PDP).

The text is versioned here, in code, so that each stored consent names the exact words agreed to.
Change the text → give it a new VERSION; never edit the words of a version already in use.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

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
