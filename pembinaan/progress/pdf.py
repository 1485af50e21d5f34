"""The progress report as a PDF for the council's files: the figures of the printable page, on the
dinas letterhead, with charts, the map, page numbers and a signature block.

The figures are the report's own (`report_figures`, or a frozen snapshot's): with the dashboard's
filters, which the report names under its title.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Polygon, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    CondPageBreak,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pembinaan.lib.moments import format_moment
from pembinaan.lib.money import format_rupiah
from pembinaan.lib.numbers import format_number, format_percent
from pembinaan.progress.maps import choropleth
from pembinaan.progress.models import Letterhead

TEAL = colors.HexColor("#0b5563")
# The map's classes, light to dark (0 = none), as on the dashboard's map.
MAP_COLOURS = [colors.HexColor(c) for c in ("#f1f5f4", "#b7e1dc", "#6cc0b8", "#2a8f8a", "#0b5563")]
OUTSIDE = colors.HexColor("#d9d9d9")
CONTENT_WIDTH = A4[0] - 3.6 * cm


def _number(n) -> str:
    return format_number(n) if n is not None else "–"


def _text(text: str, style) -> Paragraph:
    """A paragraph of plain text: the only way text reaches a Paragraph in this report.

    Paragraph reads its text as ReportLab markup. Titles and names are typed by people (a frozen
    report's title, a target's name), so an unbalanced `<b>` would make the PDF fail for everyone
    and an `<img src>` would draw a file of the server into it; escaped, they print as typed.
    Table cells and chart labels are drawn as plain strings already and need nothing.
    """
    return Paragraph(escape(str(text)), style)


def _table(header: list[str], rows: list[list[str]], *, widths: list[float] | None = None) -> Table:
    table = Table([header, *rows], repeatRows=1, hAlign="LEFT", colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), TEAL),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    return table


def _when(frozen_at, as_of) -> str:
    """ "3 Desember 2026, 14.50 WITA" in the reader's language, never an ISO timestamp."""
    return format_moment(frozen_at or (parse_datetime(str(as_of)) if as_of else None) or timezone.now())


class _NumberedCanvas(pdfcanvas.Canvas):
    """Draws "Halaman x dari y" and the portal's name at the foot of every page, once the total is known."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer

    def showPage(self):  # noqa: N802 — ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.grey)
            self.drawString(1.8 * cm, 1.0 * cm, self._footer)
            self.drawRightString(
                A4[0] - 1.8 * cm,
                1.0 * cm,
                _("Halaman %(page)s dari %(total)s") % {"page": self._pageNumber, "total": total},
            )
            super().showPage()
        super().save()


def _logo(letterhead: Letterhead) -> Image | None:
    """The dinas logo, as Admin Dinas uploaded it (re-encoded from its pixels when saved)."""
    if not letterhead.logo:
        return None
    try:
        with letterhead.logo.open("rb") as f:
            data = io.BytesIO(f.read())
    except OSError:
        return None  # a missing file must not cost the council its report
    width, height = ImageReader(data).getSize()
    data.seek(0)
    return Image(data, width=1.8 * cm * width / height, height=1.8 * cm)


def _letterhead(styles, letterhead: Letterhead) -> list:
    head = ParagraphStyle("letterhead", parent=styles["Normal"], alignment=1, fontSize=9, leading=11)
    agency = ParagraphStyle("agency", parent=head, fontName="Helvetica-Bold", fontSize=12, leading=15)
    lines = [_text(letterhead.government.upper(), head), _text(letterhead.agency.upper(), agency)]
    if letterhead.address:
        lines.append(_text(letterhead.address, head))
    if (logo := _logo(letterhead)) is not None:
        block = Table([[logo, lines]], colWidths=[2.6 * cm, CONTENT_WIDTH - 2.6 * cm])
        block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        lines = [block]
    return [*lines, HRFlowable(width="100%", thickness=1.5, color=colors.black, spaceBefore=3, spaceAfter=8)]


def _signature(styles, when: str, letterhead: Letterhead) -> KeepTogether:
    style = ParagraphStyle("signature", parent=styles["Normal"], fontSize=9, leading=12)
    name = letterhead.signatory_name or "(" + "." * 48 + ")"
    nip = letterhead.signatory_nip or "." * 36
    block = [
        _text(f"{letterhead.place}, {when}", style),
        _text(letterhead.signatory_title, style),
        Spacer(1, 1.8 * cm),
        _text(name, style),
        _text(_("NIP. %(nip)s") % {"nip": nip}, style),
    ]
    table = Table([["", block]], colWidths=[CONTENT_WIDTH - 7.5 * cm, 7.5 * cm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 0.8 * cm), table])


def _year_chart(by_year: list[dict]) -> Drawing | None:
    if not by_year:
        return None
    drawing = Drawing(CONTENT_WIDTH, 5.2 * cm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 1.4 * cm, 0.9 * cm, CONTENT_WIDTH - 5 * cm, 3.9 * cm
    chart.data = [
        [r["coached_new"] for r in by_year],
        [r["coached_cumulative"] for r in by_year],
    ]
    chart.categoryAxis.categoryNames = [str(r["year"]) for r in by_year]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: format_number(int(v))
    chart.bars[0].fillColor = MAP_COLOURS[2]
    chart.bars[1].fillColor = TEAL
    legend = Legend()
    legend.x, legend.y = CONTENT_WIDTH - 3.3 * cm, 4.2 * cm
    legend.fontSize = 7
    legend.colorNamePairs = [(MAP_COLOURS[2], _("Baru")), (TEAL, _("Kumulatif"))]
    drawing.add(chart)
    drawing.add(legend)
    return drawing


def _bar_chart(rows: list[dict]) -> Drawing | None:
    rows = [r for r in rows if r.get("coached") is not None]
    if not rows:
        return None
    height = 0.55 * cm * len(rows) + 1.2 * cm
    drawing = Drawing(CONTENT_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 4.6 * cm, 0.7 * cm
    chart.width, chart.height = CONTENT_WIDTH - 6 * cm, height - 1.0 * cm
    # Drawn bottom-up: reversed so the list reads top-down in code order, like the table.
    chart.data = [[r["coached"] for r in reversed(rows)]]
    chart.categoryAxis.categoryNames = [str(r["name"])[:28] for r in reversed(rows)]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: format_number(int(v))
    chart.bars[0].fillColor = TEAL
    drawing.add(chart)
    return drawing


_POINT = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


def _map(figures: dict) -> Drawing | None:
    """The city's kelurahan coloured by their figure, as on the dashboard (offline, from the boundaries)."""
    focus = next((f["code"] for f in figures.get("filters", []) if f["field"] == "kecamatan"), None)
    shapes = choropleth(
        by_kelurahan=figures.get("per_kelurahan", {}),
        by_kecamatan=figures.get("per_kecamatan", {}),
        level="kelurahan",
        focus=focus,
    )
    if not shapes["shapes"] or not shapes["height"]:
        return None
    scale = min(CONTENT_WIDTH / shapes["width"], 11 * cm / shapes["height"])
    height = shapes["height"] * scale
    drawing = Drawing(CONTENT_WIDTH, height + 1.0 * cm)
    for shape in shapes["shapes"]:
        fill = OUTSIDE if shape["outside"] else MAP_COLOURS[shape["bin"]]
        for ring in shape["path"].split("M")[1:]:
            points = []
            for x, y in _POINT.findall(ring):
                points += [float(x) * scale, height - float(y) * scale + 1.0 * cm]
            if len(points) >= 6:
                drawing.add(Polygon(points, fillColor=fill, strokeColor=colors.white, strokeWidth=0.3))
    x = 0.0
    for entry in shapes["legend"]:
        label = "0" if entry["bin"] == 0 else f"{format_number(entry['low'])}–{format_number(entry['high'])}"
        drawing.add(Polygon([x, 0.2 * cm, x + 0.4 * cm, 0.2 * cm, x + 0.4 * cm, 0.6 * cm, x, 0.6 * cm],
                            fillColor=MAP_COLOURS[entry["bin"]], strokeColor=colors.grey, strokeWidth=0.3))  # fmt: skip
        drawing.add(String(x + 0.5 * cm, 0.28 * cm, label, fontSize=7))
        x += 2.2 * cm
    if focus:
        drawing.add(Polygon([x, 0.2 * cm, x + 0.4 * cm, 0.2 * cm, x + 0.4 * cm, 0.6 * cm, x, 0.6 * cm],
                            fillColor=OUTSIDE, strokeColor=colors.grey, strokeWidth=0.3))  # fmt: skip
        drawing.add(String(x + 0.5 * cm, 0.28 * cm, _("di luar filter"), fontSize=7))
    return drawing


def _verdict(figures: dict) -> str:
    if figures.get("on_track") is None:
        return _("Tanpa bagian target: tidak dinilai")
    if figures["on_track"]:
        return _("Sesuai jalur")
    return _("Tidak tercapai dengan laju sekarang")


def _heading(figures: dict, target, title: str, frozen_at, styles) -> list:
    """Title (with the view's filters), target and period, when the figures are from, the filters."""
    when = _when(frozen_at, figures.get("as_of"))
    filters = figures.get("filters") or []
    if filters:  # the view is in the title: "…: Kecamatan Banjarmasin Tengah, APBN"
        names = [
            _("Kecamatan %(name)s") % {"name": f["value"]} if f["field"] == "kecamatan" else f["value"]
            for f in filters
        ]
        title = f"{title}: {', '.join(names)}"
    period = f"{date_format(target.period_start)} – {date_format(target.period_end)}"
    freshness = (
        _("Angka dibekukan %(t)s; tidak berubah walau data dikoreksi kemudian.") % {"t": when}
        if frozen_at
        else _("Angka per %(t)s.") % {"t": when}
    )
    named = (
        _("Filter: %(f)s") % {"f": "; ".join(f"{f['label']}: {f['value']}" for f in filters)}
        if filters
        else _("Tanpa filter: seluruh kota, semua jenis pembinaan, sumber dana dan tahun.")
    )
    return [
        _text(title, styles["Title"]),
        _text(f"{figures['target']['name']} ({period})", styles["Normal"]),
        _text(freshness, styles["Normal"]),
        _text(named, styles["Normal"]),
    ]


def _summary(figures: dict) -> list:
    goal_row = (
        [_("Bagian target kecamatan"), _number(figures.get("goal"))]
        if figures.get("goal_is_share")
        else [_("Target"), _number(figures["target"]["value"])]
    )
    rows = [
        [_("UMKM terbina"), _number(figures["coached_total"])],
        goal_row,
        [_("Capaian target"), format_percent(figures["percent_of_target"])],
        [_("Seharusnya hari ini (laju rata)"), _number(figures.get("expected_today"))],
        [_("Proyeksi akhir periode"), _number(figures.get("projected"))],
        [_("Penilaian"), _verdict(figures)],
        [_("Wirausaha baru"), _number(figures["new_entrepreneurs"])],
    ]
    return [Spacer(1, 0.4 * cm), _table([_("Ringkasan"), ""], rows, widths=[7 * cm, 6 * cm])]


def _charts(figures: dict, styles) -> list:
    """The year chart, the map, and a bar chart per kecamatan, coaching type and funding source."""
    story = []
    if chart := _year_chart(figures.get("by_year", [])):
        story += [Spacer(1, 0.3 * cm), _text(_("UMKM terbina per tahun"), styles["Heading3"]), chart]
    if shape_map := _map(figures):
        story += [
            CondPageBreak(12 * cm),
            _text(_("Peta UMKM terbina per kelurahan"), styles["Heading3"]),
            shape_map,
        ]
    for heading, rows in (
        (_("UMKM terbina per kecamatan"), figures.get("by_kecamatan", [])),
        (_("UMKM terbina per jenis pembinaan"), figures.get("by_type", [])),
        (_("UMKM terbina per sumber dana"), figures.get("by_funding_source", [])),
    ):
        if chart := _bar_chart(rows):
            story += [CondPageBreak(6 * cm), _text(heading, styles["Heading3"]), chart]
    return story


def _tables(figures: dict, styles) -> list:
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
        (_("Anggaran dan realisasi"), [_("Tahun"), _("Sumber dana"), _("Pagu"), _("Realisasi"), _("Serapan"), _("UMKM terbina")],
         [[str(r["year"]), r["source"], format_rupiah(r["budget"]), format_rupiah(r["realized"]),
           format_percent(r["absorbed_percent"], 1) if r.get("absorbed_percent") is not None else "–",
           _number(r.get("coached"))] for r in figures.get("budget", [])]),
    ]  # fmt: skip
    story = []
    for heading, header, rows in sections:
        story += [Spacer(1, 0.4 * cm), _text(heading, styles["Heading3"]), _table(header, rows)]
    if figures.get("budget_whole_city"):
        story.append(
            _text(
                _(
                    "Pagu dan realisasi dicatat per tahun dan sumber dana, tidak per kecamatan atau jenis "
                    "pembinaan: tabel ini untuk seluruh kota."
                ),
                styles["Normal"],
            )
        )
    return story


def _corrections(figures: dict, frozen_at, styles) -> list:
    """Rule 15: corrections to closed years (for a frozen report, those made since it was frozen)."""
    corrections = figures.get("corrections")
    if not corrections:
        return []
    heading = _("Koreksi setelah laporan ini dibekukan") if frozen_at else _("Koreksi setelah tutup tahun")
    header = [_("Waktu"), _("Tahun"), _("Alasan"), _("Terbina s.d. akhir tahun"), _("Baru pada tahun itu")]
    rows = [
        [
            _when(None, c["made_at"]),
            str(c["year"]),
            _text(c["reason"], styles["BodyText"]),
            f"{_number(c['coached_before'])} » {_number(c['coached_after'])}",
            f"{_number(c['new_before'])} » {_number(c['new_after'])}",
        ]
        for c in corrections
    ]
    widths = [3.4 * cm, 1.2 * cm, 6 * cm, 3 * cm, 3 * cm]
    return [Spacer(1, 0.4 * cm), _text(heading, styles["Heading3"]), _table(header, rows, widths=widths)]


def _definitions(styles) -> list:
    story = [Spacer(1, 0.4 * cm), _text(_("Definisi"), styles["Heading3"])]
    for text in (
        _(
            "UMKM terbina: usaha terverifikasi (atau kemudian tidak aktif) yang paling sedikit sekali hadir pada "
            "kegiatan yang tidak dibatalkan dan dimulai dalam periode target; dihitung sekali. Per jenis "
            "pembinaan dan per sumber dana, satu usaha dihitung di setiap jenis dan sumber tempat ia hadir, "
            "sehingga angkanya tidak dapat dijumlahkan. Per kecamatan, setiap usaha dihitung sekali di "
            "kecamatan tempat usahanya."
        ),
        _(
            "Wirausaha baru: usaha terbina yang tahun mulai usahanya sama dengan atau sesudah tahun awal periode target."
        ),
        _(
            "Realisasi = biaya realisasi kegiatan + bantuan permodalan yang sudah disalurkan, yang dibebankan ke sumber dana dan tahun itu."
        ),
        _("Serapan = realisasi dibagi pagu sumber dana dan tahun itu."),
        _(
            "Penilaian: sesuai jalur bila proyeksi akhir periode (capaian ditambah laju dua belas bulan terakhir "
            "sampai akhir periode) mencapai target."
        ),
    ):
        story.append(_text(text, styles["Normal"]))
    return story


def report_pdf(*, title: str, target, figures: dict, frozen_at=None) -> bytes:
    styles = getSampleStyleSheet()
    letterhead = Letterhead.current()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.8 * cm,
        title=title,
        author=letterhead.agency,
    )
    story = [
        *_letterhead(styles, letterhead),
        *_heading(figures, target, title, frozen_at, styles),
        *_summary(figures),
        *_charts(figures, styles),
        *_tables(figures, styles),
        *_corrections(figures, frozen_at, styles),
        *_definitions(styles),
        _signature(styles, date_format(timezone.localdate(), "DATE_FORMAT"), letterhead),
    ]
    footer = f"{settings.PORTAL_NAME} · {_('dicetak %(t)s') % {'t': _when(None, None)}}"
    doc.build(story, canvasmaker=lambda *a, **kw: _NumberedCanvas(*a, footer=footer, **kw))
    return out.getvalue()
