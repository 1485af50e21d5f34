"""An activity's participants and the capital assistance list as spreadsheets.

Participants: who took part and whether they came. Assistance names its recipients (staff only;
NIK masked as in the registry's export). The business and owner columns, the NIK masking and the full-NIK access log are the registry's
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
from pembinaan.coaching.forms import GrantFilterForm
from pembinaan.coaching.models import ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from pembinaan.lib.exports import BATCH_SIZE, Column, ExportTable, choice_labels
from pembinaan.lib.forms import list_filters
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
        owner_of=lambda p: (p.business.owner_id, p.business.owner.nik),
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


def grant_columns(*, full_nik: bool) -> list[Column]:
    forms, statuses = (
        choice_labels(CapitalAssistance.Form.choices),
        choice_labels(CapitalAssistance.Status.choices),
    )
    return [
        Column(_("Tanggal"), lambda g: g.date),
        *identity_columns(lambda g: g.business, full_nik=full_nik),
        Column(_("Putaran Penyaluran"), lambda g: g.activity.title),
        Column(_("Sumber Dana"), lambda g: g.budget_line.source.name),
        Column(_("Tahun Anggaran"), lambda g: g.budget_line.fiscal_year),
        # The line's code, so that a re-imported file puts each grant on the same pagu.
        Column(_("Kode Rekening/DPA"), lambda g: g.budget_line.budget_code),
        Column(_("Bentuk"), lambda g: forms.get(g.form, g.form)),
        Column(_("Nilai (Rp)"), lambda g: g.amount),
        Column(_("Status"), lambda g: statuses.get(g.status, g.status)),
        # Rule 14: when it was approved (and the importer reads it back under the same header).
        Column(_("Tanggal Disetujui"), lambda g: g.approved_on),
        Column(_("Tanggal Disalurkan"), lambda g: g.disbursed_on),
        Column(_("Uraian"), lambda g: g.description),
    ]


def grants_table(*, user: User, query: QueryDict) -> ExportTable:
    """The filtered assistance list, every page of it (NIK masked unless permitted)."""
    require(user, "funding.view_capitalassistance")
    require(user, "registry.view_business")
    grants = selectors.grant_list(filters=list_filters(GrantFilterForm(query or None)))
    full_nik = may_see_full_nik(user)
    rows = logged_rows(
        grants.select_related("business__owner")
        .defer(*(f"business__{f}" for f in UNUSED_BUSINESS_FIELDS))
        .iterator(chunk_size=BATCH_SIZE),
        user=user,
        full_nik=full_nik,
        owner_of=lambda g: (g.business.owner_id, g.business.owner.nik),
    )
    return ExportTable(
        columns=grant_columns(full_nik=full_nik),
        rows=rows,
        filename="bantuan-permodalan",
        title=_("Bantuan permodalan"),
        count=grants.count,
        permissions=nik_permissions(
            ("funding.view_capitalassistance", "registry.view_business"), full_nik=full_nik
        ),
    )
