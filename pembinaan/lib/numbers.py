"""Counts and percentages written the way the page's language writes them (docs/rules.md rule 12).

Indonesian: `1.130` and `36,45 %`; English: `1,130` and `36.45%`. The separators come from the
active language's format module (umkm_portal/formats, else Django's own); thousands are always
grouped here, whatever USE_THOUSAND_SEPARATOR says, since that setting would also group years and
primary keys printed in templates. Money keeps its official style everywhere (lib/money.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language

MISSING = "–"
# How each language joins a percentage to its sign; a no-break space keeps "%" on the number's line.
_PERCENT_PATTERNS = {"id": "{}\u00a0%"}
_DEFAULT_PERCENT_PATTERN = "{}%"


def format_number(value, decimal_pos: int | None = None) -> str:
    """`3100` → `3.100` (id) or `3,100` (en); with `decimal_pos`, that many decimals."""
    if value in (None, ""):
        return MISSING
    number = Decimal(str(value)) if decimal_pos is not None else int(value)
    return formats.number_format(number, decimal_pos, use_l10n=True, force_grouping=True)


def format_percent(value, decimal_pos: int = 2) -> str:
    """`36.45` → `36,45 %` (id) or `36.45%` (en)."""
    if value in (None, ""):
        return MISSING
    language = (get_language() or "id").split("-")[0]
    pattern = _PERCENT_PATTERNS.get(language, _DEFAULT_PERCENT_PATTERN)
    return pattern.format(format_number(value, decimal_pos))
