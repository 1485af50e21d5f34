"""The progress report as a PDF, for the council's files (same figures as the printable page)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pembinaan.lib.money import format_rupiah
from pembinaan.lib.numbers import format_number, format_percent


def _number(n) -> str:
    return format_number(n)


def _text(text: str, style) -> Paragraph:
    """A paragraph of plain text: the only way text reaches a Paragraph in this report.

    Paragraph reads its text as ReportLab markup. Titles and names are typed by people (a frozen
    report's title, a target's name), so an unbalanced `<b>` would make the PDF fail for everyone
    and an `<img src>` would draw a file of the server into it; escaped, they print as typed.
    Table cells are drawn as plain strings already and need nothing.
    """
    return Paragraph(escape(str(text)), style)


def _table(header: list[str], rows: list[list[str]]) -> Table:
    table = Table([header, *rows], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0b5563")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    return table


def report_pdf(*, title: str, target, figures: dict, frozen_at=None) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, title=title)
    story = [_text(title, styles["Title"])]
    period = f"{date_format(target.period_start)} – {date_format(target.period_end)}"
    when = date_format(frozen_at, "DATETIME_FORMAT") if frozen_at else figures["as_of"]
    story.append(
        _text(
            f"{figures['target']['name']} ({period}). " + _("Angka per %(t)s.") % {"t": when},
            styles["Normal"],
        )
    )
    story.append(Spacer(1, 0.4 * cm))
    story.append(
        _table(
            [_("Ringkasan"), ""],
            [
                [_("UMKM terbina"), _number(figures["coached_total"])],
                [_("Target"), _number(figures["target"]["value"])],
                [_("Capaian target"), format_percent(figures["percent_of_target"])],
                [_("Seharusnya hari ini (laju rata)"), _number(figures.get("expected_today"))],
                [_("Proyeksi akhir periode"), _number(figures.get("projected"))],
                [_("Wirausaha baru"), _number(figures["new_entrepreneurs"])],
            ],
        )
    )
    sections = [
        (_("Per tahun pembinaan"), [_("Tahun"), _("Baru"), _("Kumulatif")],
         [[str(r["year"]), _number(r["coached_new"]), _number(r["coached_cumulative"])] for r in figures["by_year"]]),
        (_("Per kecamatan"), [_("Kecamatan"), _("UMKM terbina")], [[r["name"], _number(r["coached"])] for r in figures["by_kecamatan"]]),
        (_("Per jenis pembinaan"), [_("Jenis"), _("UMKM terbina")], [[r["name"], _number(r["coached"])] for r in figures["by_type"]]),
        (_("Per sumber dana"), [_("Sumber dana"), _("UMKM terbina"), _("Pagu"), _("Realisasi")],
         [[r["name"], _number(r["coached"]), format_rupiah(r["budget"]), format_rupiah(r["realized"])] for r in figures["by_funding_source"]]),
        (_("Per skala usaha"), [_("Skala"), _("UMKM terbina")], [[r["name"], _number(r["coached"])] for r in figures.get("by_scale", [])]),
        (_("Per jenis kelamin pemilik"), [_("Jenis kelamin"), _("UMKM terbina")], [[r["name"], _number(r["coached"])] for r in figures.get("by_gender", [])]),
        (_("Capaian UMKM terbina"), [_("Capaian"), _("Usaha")], [[r["name"], _number(r["coached"])] for r in figures.get("by_outcome", [])]),
        (_("Anggaran dan realisasi"), [_("Tahun"), _("Sumber dana"), _("Pagu"), _("Realisasi")],
         [[str(r["year"]), r["source"], format_rupiah(r["budget"]), format_rupiah(r["realized"])] for r in figures.get("budget", [])]),
    ]  # fmt: skip
    for heading, header, rows in sections:
        story += [Spacer(1, 0.4 * cm), _text(heading, styles["Heading3"]), _table(header, rows)]
    story += [Spacer(1, 0.4 * cm), _text(_("Definisi"), styles["Heading3"])]
    for text in (
        _(
            "UMKM terbina: usaha terverifikasi (atau kemudian tidak aktif) yang paling sedikit sekali hadir pada "
            "kegiatan yang tidak dibatalkan dan dimulai dalam periode target; dihitung sekali. Per jenis "
            "pembinaan dan per sumber dana, satu usaha dihitung di setiap jenis dan sumber tempat ia hadir, "
            "sehingga angkanya tidak dapat dijumlahkan. Per kecamatan, setiap usaha dihitung sekali di "
            "kecamatan tempat usahanya."
        ),
        _(
            "Realisasi = biaya realisasi kegiatan + bantuan permodalan yang sudah disalurkan, yang dibebankan ke sumber dana dan tahun itu."
        ),
    ):
        story.append(_text(text, styles["Normal"]))
    doc.build(story)
    return out.getvalue()
