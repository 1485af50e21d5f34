"""Parsing and validation of Indonesian identifiers: NIK, NIB, NPWP and phone numbers.

docs/rules.md rules 3 and 4. Every entry path (web forms, the importer, the owner's own forms) goes
through these functions, so that the same value is accepted or refused the same way everywhere.
Each `parse_*` returns the normalised value or raises `ValidationError` with an Indonesian message.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Province codes of Kemendagri (docs/rules.md rule 3).
PROVINCE_CODES = frozenset(
    [str(c) for c in range(11, 20)]
    + ["21"]
    + [str(c) for c in range(31, 37)]
    + [str(c) for c in range(51, 54)]
    + [str(c) for c in range(61, 66)]
    + [str(c) for c in range(71, 77)]
    + ["81", "82"]
    + [str(c) for c in range(91, 97)]
)

_SEPARATORS = re.compile(r"[\s.\-]")
# What Excel makes of a long number: "6.371E+15", "6,37101E+15" or "6371012345670001.0".
_EXCEL_MANGLED = re.compile(r"^\d+([.,]\d*)?[eE][+-]?\d+$|^\d+[.,]0+$")

GENDER_MALE = "L"
GENDER_FEMALE = "P"


@dataclass(frozen=True)
class NikInfo:
    nik: str
    gender: str
    birth_date: datetime.date


def _compact(value: object) -> str:
    return "" if value is None else str(value).strip()


def _looks_mangled_by_excel(text: str) -> bool:
    return bool(_EXCEL_MANGLED.match(text.replace(" ", "")))


def _excel_message(label: str) -> ValidationError:
    return ValidationError(
        _(
            "%(label)s tampaknya telah diubah Excel menjadi angka (misalnya 6.371E+15 atau "
            "diakhiri .0), sehingga digitnya tidak bisa dipastikan. Format kolom sebagai Teks "
            "lalu ketik ulang nilainya."
        ),
        code="excel_number",
        params={"label": label},
    )


def _birth_year(yy: int, day: int, month: int, today: datetime.date) -> int:
    # The NIK has a two-digit year: take the latest century that does not put the birth in the future.
    year = 2000 + yy
    try:
        if datetime.date(year, month, day) > today:
            year -= 100
    except ValueError:
        year -= 100
    return year


def parse_nik(value: object, *, today: datetime.date | None = None) -> NikInfo:
    """Validate a NIK and derive gender and birth date from it."""
    text = _compact(value)
    if not text:
        raise ValidationError(_("NIK wajib diisi."), code="required")
    if _looks_mangled_by_excel(text):
        raise _excel_message("NIK")
    nik = re.sub(r"\s", "", text)
    if not nik.isdigit() or not nik.isascii():
        raise ValidationError(_("NIK hanya boleh berisi angka."), code="nik_digits")
    if len(nik) != 16:
        raise ValidationError(
            _("NIK harus 16 digit (yang diisi %(count)d digit)."),
            code="nik_length",
            params={"count": len(nik)},
        )
    if nik[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("Dua angka pertama NIK (%(code)s) bukan kode provinsi mana pun. Periksa lagi NIK di KTP Anda."),
            code="nik_province",
            params={"code": nik[:2]},
        )
    if nik[2:4] == "00" or nik[4:6] == "00":
        raise ValidationError(
            _(
                "Angka ke-3 sampai ke-6 NIK (kode kota dan kecamatan) tidak boleh berisi 00. "
                "Periksa lagi NIK di KTP Anda."
            ),
            code="nik_region",
        )
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = GENDER_MALE
    if day > 40:
        day -= 40
        gender = GENDER_FEMALE
    today = today or timezone.localdate()
    year = _birth_year(yy, day, month, today)
    try:
        birth_date = datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            _(
                "Tanggal lahir di NIK (digit 7–12: %(part)s) tidak masuk akal. Periksa lagi NIK di "
                "KTP Anda: enam angka itu adalah tanggal, bulan dan tahun lahir; untuk perempuan "
                "tanggalnya ditambah 40 (lahir tanggal 5 ditulis 45)."
            ),
            code="nik_birth_date",
            params={"part": nik[6:12]},
        ) from None
    if nik[12:] == "0000":
        raise ValidationError(
            _("Empat angka terakhir NIK tidak boleh 0000. Periksa lagi NIK di KTP Anda."), code="nik_serial"
        )
    return NikInfo(nik=nik, gender=gender, birth_date=birth_date)


def mask_nik(nik: str | None) -> str:
    """`6371012345670001` → `6371 **** **** 0001` (docs/rules.md rule 10)."""
    if not nik:
        return ""
    return f"{nik[:4]} **** **** {nik[-4:]}"


def _digits_only(value: object, label: str) -> str:
    text = _compact(value)
    if _looks_mangled_by_excel(text):
        raise _excel_message(label)
    digits = _SEPARATORS.sub("", text)
    if not digits.isdigit() or not digits.isascii():
        raise ValidationError(
            _("%(label)s hanya boleh berisi angka."), code="digits", params={"label": label}
        )
    return digits


def parse_nib(value: object) -> str:
    """NIB: 13 digits (docs/rules.md rule 4)."""
    nib = _digits_only(value, "NIB")
    if len(nib) != 13:
        raise ValidationError(
            _("NIB harus 13 digit (yang diisi %(count)d digit)."),
            code="nib_length",
            params={"count": len(nib)},
        )
    return nib


def parse_npwp(value: object) -> str:
    """NPWP: 15 digits (old format, often written 01.234.567.8-901.000) or 16 (NIK-based)."""
    npwp = _digits_only(value, "NPWP")
    if len(npwp) not in (15, 16):
        raise ValidationError(
            _("NPWP harus 15 digit (format lama) atau 16 digit (format NIK), yang diisi %(count)d digit."),
            code="npwp_length",
            params={"count": len(npwp)},
        )
    return npwp


def parse_phone(value: object) -> str:
    """Indonesian mobile number to E.164: `0812-3456-7890`, `62812…`, `+62 812…` → `+62812…`."""
    text = _compact(value)
    if _looks_mangled_by_excel(text):
        raise _excel_message(_("Nomor HP"))
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("62"):
            raise ValidationError(_("Hanya nomor HP Indonesia (+62) yang diterima."), code="phone_country")
    if not digits.isdigit() or not digits.isascii():
        raise ValidationError(
            _("Nomor HP hanya boleh berisi angka, spasi, titik, tanda hubung dan + di depan."),
            code="phone_digits",
        )
    if digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        raise ValidationError(_("Nomor HP harus diawali 08, 628 atau +628."), code="phone_prefix")
    if not national.startswith("8"):
        raise ValidationError(
            _("Nomor HP harus nomor seluler (diawali 08, 628 atau +628)."), code="phone_prefix"
        )
    if not 9 <= len(national) <= 12:
        raise ValidationError(
            _("Panjang nomor HP tidak wajar: 08 diikuti 8 sampai 11 digit."), code="phone_length"
        )
    return "+62" + national


def whatsapp_number(e164: str | None) -> str:
    """`+6281234567890` → `6281234567890`: the country code without the plus, as WhatsApp, SMS
    gateways and wa.me links take it (and a spreadsheet does not read it as a formula)."""
    return (e164 or "").removeprefix("+")


def format_phone(e164: str | None) -> str:
    """`+6281234567890` → `0812-3456-7890`, the way people in Indonesia write it."""
    if not e164:
        return ""
    local = "0" + e164[3:]
    return "-".join([local[:4], local[4:8], local[8:]]).rstrip("-")


def object_id(text: str | None) -> int | None:
    """A row id typed into a query string or form field, or None when it cannot be one.

    ASCII digits only (`isdigit()` also accepts "٣" and "³"), at most 18 of them: a longer number
    overflows the database's bigint, and int() refuses strings over 4,300 digits (a 500 otherwise).
    """
    text = (text or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None
