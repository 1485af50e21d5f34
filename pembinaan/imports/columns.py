"""Columns of an import type, and finding them in a file whose headers people wrote by hand.

Headers are compared after folding case, accents, punctuation and spacing, so "No. Telp/WA",
"NO TELP WA" and "no_telp_wa" are one alias. The header row is the row, among the first few,
that names the most known columns: title rows merged above it ("DATA UMKM 2024") are passed over.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# How far down a header row is looked for: titles, a date line, a blank row or two.
HEADER_SEARCH_ROWS = 15


def header_key(text: object) -> str:
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", folded)


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the canonical header, as in the downloadable template
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    keys: frozenset[str] = field(init=False)

    def __post_init__(self):
        object.__setattr__(
            self, "keys", frozenset(header_key(a) for a in (self.label, self.key, *self.aliases))
        )


def find_header_row(rows: list[list[str]], columns: tuple[Column, ...]) -> int | None:
    """Index of the header row, or None when no row names at least one known column."""
    best, best_hits = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len({c.key for cell in row for c in columns if header_key(cell) in c.keys})
        if hits > best_hits:
            best, best_hits = index, hits
    return best


def guess_mapping(header: list[str], columns: tuple[Column, ...]) -> list[str]:
    """For each file column, the key of the import column it is (or "" to ignore it)."""
    mapping, used = [], set()
    for cell in header:
        key = header_key(cell)
        match = next((c.key for c in columns if key and key in c.keys and c.key not in used), "")
        if match:
            used.add(match)
        mapping.append(match)
    return mapping


def missing_required(mapping: list[str], columns: tuple[Column, ...]) -> list[Column]:
    return [c for c in columns if c.required and c.key not in mapping]
