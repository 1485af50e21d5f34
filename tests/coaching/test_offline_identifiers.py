"""The device checks NIK and NIB with the server's rules (issue 20): static/js/offline/identifiers.js
must accept and refuse exactly what pembinaan/lib/identifiers.py does, with the same code."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from pembinaan.lib.identifiers import parse_nib, parse_nik

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "offline" / "identifiers.js"
TODAY = datetime.date(2026, 12, 3)

NIKS = [
    "6371011506850001",  # valid, male
    "6371015506850001",  # valid, female (day + 40)
    " 6371 0115 0685 0001 ",  # spaces are ignored
    "6371012902000001",  # 29 Feb 2000
    "6371012902010001",  # 29 Feb 2001: no such day
    "6371013102850001",  # 31 Feb
    "6371010013850001",  # month 13
    "6371010001850001",  # day 0
    "6371017201850001",  # day 32 for a woman
    "6371010112260001",  # 1 Dec 2026: born today is possible
    "6371013112260001",  # 31 Dec 2026: in the future, so 1926
    "6371011506850000",  # serial 0000
    "0071011506850001",  # no province 00
    "2071011506850001",  # no province 20
    "9671011506850001",  # province 96 exists
    "9771011506850001",  # province 97 does not
    "6300011506850001",  # regency 00
    "6371001506850001",  # district 00
    "637101150685001",  # 15 digits
    "63710115068500011",  # 17 digits
    "6371-0115-0685-0001",  # dashes are not allowed in a NIK
    "6.371E+15",  # Excel
    "6371011506850001.0",  # Excel
    "637101150685000a",
    "６３７１０１１５０６８５０００１",  # full-width digits
    "",
    "   ",
]
NIBS = [
    "9120001234567",
    "912.000.123-4567",
    "912 000 123 4567",
    "912000123456",
    "91200012345678",
    "912000123456a",
    "9.12E+12",
    "",
    "١٢٣٤٥٦٧٨٩٠١٢٣",  # Arabic-Indic digits
]


def _python(parse, value) -> str:
    try:
        parse(value)
    except ValidationError as exc:
        return exc.code
    return "ok"


def _javascript(niks: list[str], nibs: list[str]) -> tuple[list[str], list[str]]:
    program = f"""
    const ids = require({json.dumps(str(SCRIPT))});
    const today = new Date({TODAY.year}, {TODAY.month - 1}, {TODAY.day});
    const code = (r) => r.ok ? "ok" : r.code;
    console.log(JSON.stringify([
      {json.dumps(niks)}.map((v) => code(ids.parseNik(v, today))),
      {json.dumps(nibs)}.map((v) => code(ids.parseNib(v))),
    ]));
    """
    node = _node()
    out = subprocess.run([node, "-e", program], capture_output=True, text=True, check=True, timeout=30)
    return tuple(json.loads(out.stdout))


def _node() -> str:
    """Node.js runs the phone's script here. Missing on a developer's machine, the test is skipped and
    says so; in CI (which installs it, .ci/run) a missing Node fails rather than skips silently."""
    node = shutil.which("node")
    if node is None:
        message = "Node.js is needed to run the device's script (Debian: apt-get install nodejs)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return node


def test_the_device_and_the_server_agree_on_every_case():
    js_niks, js_nibs = _javascript(NIKS, NIBS)
    py_niks = [_python(lambda v: parse_nik(v, today=TODAY), v) for v in NIKS]
    py_nibs = [_python(parse_nib, v) for v in NIBS]
    assert dict(zip(NIKS, js_niks, strict=True)) == dict(zip(NIKS, py_niks, strict=True))
    assert dict(zip(NIBS, js_nibs, strict=True)) == dict(zip(NIBS, py_nibs, strict=True))
    # The cases cover every refusal, not only the happy path.
    assert {
        "ok",
        "required",
        "excel_number",
        "nik_digits",
        "nik_length",
        "nik_province",
        "nik_region",
        "nik_birth_date",
        "nik_serial",
    } <= set(py_niks)
    assert {"ok", "digits", "nib_length", "excel_number"} <= set(py_nibs)
