"""KBLI 2020: which category (A–U) a 5-digit code belongs to, from its 2-digit division."""

from __future__ import annotations

# (first division, last division, category) per KBLI 2020 / ISIC Rev.4.
_DIVISIONS = (
    (1, 3, "A"), (5, 9, "B"), (10, 33, "C"), (35, 35, "D"), (36, 39, "E"), (41, 43, "F"),
    (45, 47, "G"), (49, 53, "H"), (55, 56, "I"), (58, 63, "J"), (64, 66, "K"), (68, 68, "L"),
    (69, 75, "M"), (77, 82, "N"), (84, 84, "O"), (85, 85, "P"), (86, 88, "Q"), (90, 93, "R"),
    (94, 96, "S"), (97, 98, "T"), (99, 99, "U"),
)  # fmt: skip


def category_of(code: str) -> str | None:
    """`10792` → "C"; None when the code is not five digits or its division does not exist."""
    if not (len(code) == 5 and code.isdigit() and code.isascii()):
        return None
    division = int(code[:2])
    for first, last, category in _DIVISIONS:
        if first <= division <= last:
            return category
    return None
