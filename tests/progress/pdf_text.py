"""The text a ReportLab PDF draws, for tests that read the portal's PDFs (no PDF library needed)."""

from __future__ import annotations

import base64
import re
import zlib


def pdf_streams(pdf: bytes) -> list[bytes]:
    """The decoded streams of a ReportLab PDF (ASCII85 then Flate, ReportLab's default)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = match.group(1).strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data.removeprefix(b"<~").removesuffix(b"~>"))
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        streams.append(data)
    return streams


def pdf_text(pdf: bytes) -> str:
    """The text the pages draw: ReportLab writes `(…) Tj` literal strings, pieces of one line side
    by side; a line break or a new position (`T*`, `Td`, `Tm`, `ET`) counts as one space."""
    pieces = []
    for stream in pdf_streams(pdf):
        for literal, _move in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj|(T\*|Td|Tm|ET)", stream):
            pieces.append(re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1") if literal else " ")
    return " ".join("".join(pieces).split())
