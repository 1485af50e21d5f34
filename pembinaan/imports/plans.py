"""What an import would do, row by row: the result of a dry run, carried out by `apply()`.

An importer that plans in bulk keeps what it will write in a subclass of its own (the registry's
owners and businesses: registry/importers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Plan:
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[list] = field(default_factory=list)  # [row, column label, message]
    notes: list[list] = field(default_factory=list)  # [row, note]
    refused_rows: list[int] = field(default_factory=list)
    # Row-by-row importers (rowwise.py): the cleaned rows to write again for real.
    rows: list[tuple[int, Any]] = field(default_factory=list)

    @property
    def refused(self) -> int:
        return len(self.refused_rows)

    def refuse(self, number: int, column: str, message: str) -> None:
        if not self.refused_rows or self.refused_rows[-1] != number:
            self.refused_rows.append(number)
        self.errors.append([number, column, message])
