"""A certificate of attendance as a PDF file: what "Unduh sertifikat" hands the owner.

The same words as the printable page (templates/coaching/certificate.html), on one A4 landscape
page, so that an owner on a phone gets a file to keep or send without a print dialog.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from pembinaan.coaching.models import Participation

FRAME_COLOUR = colors.HexColor("#0b5563")


def certificate_number(participation: Participation) -> str:
    activity = participation.activity
    return f"{activity.fiscal_year}/{activity.pk}/{participation.pk}"


def certificate_filename(participation: Participation) -> str:
    return "sertifikat-" + certificate_number(participation).replace("/", "-") + ".pdf"


def _style(name: str, size: float, *, font: str = "Times-Roman", space: float = 6) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=size * 1.25, alignment=TA_CENTER, spaceAfter=space
    )


def _frame(canvas, doc) -> None:
    width, height = landscape(A4)
    canvas.saveState()
    canvas.setStrokeColor(FRAME_COLOUR)
    canvas.setLineWidth(3)
    canvas.rect(1 * cm, 1 * cm, width - 2 * cm, height - 2 * cm)
    canvas.setLineWidth(1)
    canvas.rect(1.25 * cm, 1.25 * cm, width - 2.5 * cm, height - 2.5 * cm)
    canvas.restoreState()


def certificate_pdf(participation: Participation) -> bytes:
    activity, business = participation.activity, participation.business
    dates = date_format(activity.start_date)
    if activity.end_date and activity.end_date != activity.start_date:
        dates += " – " + date_format(activity.end_date)
    details = " · ".join(part for part in (activity.coaching_type.name, dates, activity.venue) if part)
    title = _("Sertifikat") + " – " + business.name
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.5 * cm,
        bottomMargin=2 * cm,
        title=title,
        author=settings.PORTAL_AGENCY,
    )
    text = _style("text", 14)
    story = [
        Paragraph(escape(settings.PORTAL_AGENCY.upper()), _style("agency", 13)),
        Spacer(1, 0.6 * cm),
        Paragraph(escape(_("SERTIFIKAT")), _style("title", 34, font="Times-Bold", space=14)),
        Paragraph(escape(_("diberikan kepada")), text),
        Paragraph(escape(business.owner.name), _style("name", 26, font="Times-Bold")),
        Paragraph(escape(business.name), _style("business", 17, font="Times-Italic")),
        Paragraph(escape(_("sebagai peserta")), text),
        Paragraph(escape(activity.title), _style("activity", 17, font="Times-Italic")),
        Paragraph(escape(details), text),
        Spacer(1, 0.8 * cm),
        Paragraph(escape(_("Nomor") + ": " + certificate_number(participation)), _style("number", 10)),
    ]
    doc.build(story, onFirstPage=_frame, onLaterPages=_frame)
    return out.getvalue()
