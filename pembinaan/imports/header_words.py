"""The words people use in their headers for each column of each import kind (issue 19).

Extra phrases on top of each column's label, key and aliases (in the importers' column specs), as
found in dinas UMKM lists, SIDT/ODS-style data templates, BPS forms and budget documents. Written
as people write them: `headers.read_header` folds case and punctuation and spells out abbreviations,
so "no hp" also covers "No. HP", "NO HP" and "Nmr Handphone".

`YEARLY`: the fields the portal keeps as a yearly figure; a header saying "per bulan" over one of
them is multiplied by 12.

These tables are kept apart from the importers only while the importers are being moved (issue
16); each belongs with its importer (a `header_words` attribute next to `columns`), so that the
imports app, which knows no domain app, never has to name a kind's fields.
"""

from __future__ import annotations

from collections.abc import Sequence

from pembinaan.imports.columns import Column
from pembinaan.imports.headers import HeaderMatcher

_IDENTITY = {
    "nik": (
        "nik",
        "nomor ktp",
        "ktp",
        "nik ktp",
        "nik pemilik",
        "nomor induk kependudukan",
        "nik pelaku usaha",
    ),
    "nib": ("nib", "nomor nib", "nomor induk berusaha", "iumk", "nomor iumk"),
    "name": (
        "nama usaha",
        "nama umkm",
        "nama ukm",
        "merek",
        "nama merek",
        "merek dagang",
        "brand",
        "nama toko",
    ),
}

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "usaha": {
        **_IDENTITY,
        "owner_name": (
            "nama pemilik", "nama pengusaha", "nama pelaku usaha", "nama pelaku umkm", "nama lengkap pemilik",
            "nama penanggung jawab", "penanggung jawab", "pengelola", "nama pengelola", "nama owner",
        ),
        "gender": ("jenis kelamin", "jk", "l/p", "kelamin", "gender", "jenis kelamin pemilik"),
        "phone": (
            "hp", "whatsapp", "telepon", "kontak", "nomor kontak", "nomor hp", "nomor whatsapp", "nomor telepon",
            "telepon seluler", "nomor seluler", "seluler", "contact person", "cp", "telepon hp",
            "nomor telepon pemilik", "nomor hp pemilik",
        ),
        "email": ("email", "alamat email", "surel", "alamat surel", "surat elektronik"),
        "owner_address": ("alamat pemilik", "alamat rumah", "alamat ktp", "alamat domisili", "domisili"),
        "name": (
            *_IDENTITY["name"], "nama usaha merek", "nama perusahaan", "nama badan usaha", "nama tempat usaha",
        ),
        "npwp": ("npwp", "nomor pokok wajib pajak", "npwp usaha"),
        "kecamatan": ("kecamatan", "nama kecamatan"),
        "kelurahan": ("kelurahan", "desa", "kelurahan desa", "nama kelurahan", "desa kelurahan"),
        "address": (
            "alamat usaha", "alamat", "alamat tempat usaha", "alamat lokasi usaha", "tempat usaha",
            "lokasi usaha", "alamat toko", "alamat lengkap usaha", "lokasi",
        ),
        "kbli_category": (
            "kategori kbli", "sektor", "sektor usaha", "bidang usaha", "lapangan usaha", "kategori usaha",
            "klasifikasi usaha", "sektor kbli",
        ),
        "kbli_code": ("kbli", "kode kbli", "nomor kbli"),
        "start_year": (
            "tahun mulai", "tahun berdiri", "tahun mulai usaha", "mulai usaha", "tahun pendirian",
            "berdiri sejak", "tahun usaha berdiri", "usaha sejak", "sejak tahun",
        ),
        "employees": (
            "tenaga kerja", "jumlah tenaga kerja", "karyawan", "jumlah karyawan", "pekerja", "jumlah pekerja",
            "pegawai", "jumlah pegawai",
        ),
        "annual_sales": (
            "omzet", "penjualan", "pendapatan", "turnover", "omzet usaha", "hasil penjualan", "nilai penjualan",
            "pendapatan usaha", "volume usaha", "sales",
        ),
        "capital": ("modal", "modal usaha", "modal kerja", "modal sendiri", "nilai modal"),
        "products": (
            "produk", "jenis produk", "jenis usaha", "produk jasa", "produk utama", "kegiatan usaha",
            "komoditi", "komoditas", "uraian usaha", "deskripsi usaha", "barang jasa", "jenis barang jasa",
        ),
    },
    "peserta": {
        **_IDENTITY,
        "status": ("status kehadiran", "kehadiran", "hadir", "presensi", "absensi", "daftar hadir", "absen"),
    },
    "capaian": {
        **_IDENTITY,
        "outcome_type": (
            "jenis capaian", "capaian", "jenis legalitas", "jenis sertifikat", "jenis izin", "hasil pembinaan",
        ),
        "achieved_on": (
            "tanggal capaian", "tanggal terbit", "tanggal diterbitkan", "tanggal sertifikat", "tanggal diperoleh",
            "tanggal izin",
        ),
        "reference_number": (
            "nomor dokumen", "nomor sertifikat", "nomor izin", "nomor registrasi", "nomor surat", "nomor sk",
        ),
        "institution": ("lembaga", "lembaga penerbit", "instansi", "instansi penerbit", "bank penyalur"),
        "amount": ("nilai", "nominal", "plafon", "plafon kredit", "nilai kredit", "jumlah kredit"),
        "note": ("catatan", "keterangan"),
    },
    "pagu": {
        "source": ("sumber dana", "sumber anggaran", "sumber pendanaan", "asal dana"),
        "fiscal_year": ("tahun anggaran", "tahun", "ta", "tahun dpa"),
        "amount": ("pagu", "pagu anggaran", "nilai pagu", "pagu dana", "alokasi", "alokasi anggaran", "anggaran"),
        "programme": ("program", "sub kegiatan", "kegiatan", "nama kegiatan", "program kegiatan", "nama program"),
        "budget_code": ("kode rekening", "kode", "dpa", "kode anggaran", "kode sub kegiatan", "nomor dpa"),
        "note": ("catatan", "keterangan"),
    },
    "bantuan": {
        **_IDENTITY,
        "round": (
            "putaran penyaluran", "putaran", "nama kegiatan", "kegiatan penyaluran", "tahap", "tahap penyaluran",
            "gelombang",
        ),
        "budget_code": ("kode rekening dpa", "kode rekening", "dpa", "kode anggaran"),
        "date": ("tanggal usulan", "tanggal pengajuan", "tanggal diusulkan"),
        "form": ("bentuk", "bentuk bantuan", "jenis bantuan"),
        "amount": ("nilai bantuan", "jumlah bantuan", "besaran bantuan", "nominal bantuan", "nilai"),
        "status": ("status bantuan", "status", "keputusan"),
        "approved_on": ("tanggal disetujui", "tanggal persetujuan"),
        "disbursed_on": ("tanggal disalurkan", "tanggal penyaluran", "tanggal pencairan", "tanggal cair"),
        "reason": ("alasan bantuan kedua", "alasan"),
        "description": ("uraian", "keterangan", "uraian bantuan"),
    },
}  # fmt: skip

YEARLY: dict[str, frozenset[str]] = {"usaha": frozenset({"annual_sales"})}


def matcher_for(kind: str, columns: Sequence[Column]) -> HeaderMatcher:
    """The matcher for one import kind's columns, with that kind's words."""
    return HeaderMatcher(columns, SYNONYMS.get(kind, {}), YEARLY.get(kind, ()))
