"""An activity's participants as a spreadsheet: who took part and whether they came.

The business and owner columns, the NIK masking and the full-NIK access log are the registry's
(pembinaan/registry/exports.py), so every export names a business the same way.
"""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from pembinaan.accounts.access import may_see_full_nik, require
from pembinaan.accounts.models import User
from pembinaan.coaching import selectors
from pembinaan.coaching.access import get_activity_for_user
from pembinaan.coaching.models import ParticipationStatus
from pembinaan.lib.exports import BATCH_SIZE, Column, ExportTable, choice_labels
from pembinaan.registry.exports import (
    UNUSED_BUSINESS_FIELDS,
    identity_columns,
    logged_rows,
    nik_permissions,
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


def participants_table(*, user: User, query: QueryDict, activity: int) -> ExportTable:
    """The participants its page lists (the page has no filters, so `query` changes nothing)."""
    activity = get_activity_for_user(user, activity, permission="coaching.view_participation")
    require(user, "registry.view_business")
    participations = selectors.activity_participants(activity)
    full_nik = may_see_full_nik(user)
    rows = logged_rows(
        participations.defer(*(f"business__{f}" for f in UNUSED_BUSINESS_FIELDS)).iterator(
            chunk_size=BATCH_SIZE
        ),
        user=user,
        full_nik=full_nik,
        owner_of=lambda p: p.business.owner,
    )
    return ExportTable(
        columns=participant_columns(full_nik=full_nik),
        rows=rows,
        filename=f"peserta-kegiatan-{activity.pk}",
        title=_("Peserta"),
        count=participations.count,
        permissions=nik_permissions(
            ("coaching.view_participation", "registry.view_business"), full_nik=full_nik
        ),
    )
