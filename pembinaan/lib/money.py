"""Whole-rupiah amounts: parsing what people type and formatting the official way (Rp1.250.000).

Money is never a float anywhere in the portal (docs/rules.md rule 9); it is formatted on the server
because browsers format numbers differently (rule 12).
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def format_rupiah(amount: int | None) -> str:
    if amount is None:
        return "–"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(int(amount)):,}".replace(",", ".")


_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


# Far beyond any amount (Rp 999 triliun has 15 digits), and below the 4,300 digits Python reads.
MAX_DIGITS = 1000


def parse_rupiah(value: object) -> int | None:
    """`Rp1.250.000`, `Rp 1.250.000,-`, `1 250 000` or `1250000` → 1250000.

    A dot is accepted only as a thousands separator (groups of three): `1250000.50` or
    Excel's `1250000.0` are refused rather than read as a hundred times the amount.
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    text = re.sub(r"^rp\.?\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"(,-|,0{1,2})$", "", text)  # "Rp1.250.000,-" and ",00" are whole amounts
    if re.search(r"[.,]\d{1,2}$", text):
        raise ValidationError(_("Isi dalam rupiah bulat, tanpa sen."), code="rupiah_decimal")
    digits = re.sub(r"\s", "", text)
    if not re.fullmatch(r"[0-9.]+", digits):
        raise ValidationError(_("Isi angka rupiah saja, misalnya 1.250.000."), code="rupiah_digits")
    if "." in digits:
        if not _GROUPED.match(digits):
            raise ValidationError(
                _("Titik hanya untuk pemisah ribuan, misalnya 1.250.000."), code="rupiah_grouping"
            )
        digits = digits.replace(".", "")
    if len(digits.lstrip("0")) > MAX_DIGITS:
        # A pasted wall of digits: Python refuses to read thousands of them (ValueError, a 500).
        raise ValidationError(_("Angka rupiah terlalu besar."), code="rupiah_too_large")
    return int(digits)


class RupiahField(forms.CharField):
    """A form field for whole rupiah that accepts the thousands dots people type."""

    def __init__(self, *args, max_value: int = 10**15, **kwargs):
        self.max_value = max_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return value

    def to_python(self, value):
        amount = parse_rupiah(super().to_python(value))
        if amount is not None and amount > self.max_value:
            raise ValidationError(_("Nilai terlalu besar."), code="rupiah_max")
        return amount
