"""An activity's participants as a spreadsheet: who took part and whether they came.

The business and owner columns, the NIK masking and the full-NIK access log are the registry's
(pembinaan/registry/exports.py), so every export names a business the same way.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.lib.exports import BATCH_SIZE, Column, choice_labels, export_response
from pembinaan.registry.exports import (
    UNUSED_BUSINESS_FIELDS,
    identity_columns,
    logged_rows,
    may_export_full_nik,
)


def participant_columns(*, full_nik: bool) -> list[Column]:
    statuses, yes, no = choice_labels(ParticipationStatus.choices), _("Ya"), _("Tidak")
    return [
        *identity_columns(lambda p: p.business, full_nik=full_nik),
        Column(_("Status Kehadiran"), lambda p: statuses.get(p.status, p.status)),
        Column(_("Daftar Sendiri"), lambda p: yes if p.self_registered else no),
        Column(_("Tanggal Didaftarkan"), lambda p: timezone.localtime(p.registered_at).date()),
        Column(_("Catatan"), lambda p: p.note),
    ]


def participants_export(
    participations: QuerySet[Participation], *, activity: Activity, user: User, fmt: str
) -> HttpResponseBase:
    full_nik = may_export_full_nik(user)
    rows = logged_rows(
        participations.defer(*(f"business__{f}" for f in UNUSED_BUSINESS_FIELDS)).iterator(
            chunk_size=BATCH_SIZE
        ),
        user=user,
        full_nik=full_nik,
        owner_of=lambda p: p.business.owner,
    )
    return export_response(
        fmt=fmt,
        columns=participant_columns(full_nik=full_nik),
        rows=rows,
        filename=f"peserta-kegiatan-{activity.pk}",
        title=_("Peserta"),
    )
