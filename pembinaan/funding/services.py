"""Funding workflows: budget lines (pagu) and capital assistance (bantuan permodalan).

docs/rules.md rule 9: money in whole rupiah; realisasi = activity costs + disbursed assistance.
docs/rules.md 13b–13c (money in its year) are written here and nowhere else: `_check_charge`,
`_check_disbursement_year` and `_check_attendance_date`; rule 14 (separation of duties) is
`step_refusal`. Which role may take a step is a permission the views check (approve_ / disburse_
capitalassistance); who, as a person, may take it on one grant is decided here, for every screen.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.coaching import services as coaching_services
from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.funding.models import BudgetLine, CapitalAssistance, DutySeparation, FundingSource
from pembinaan.lib.money import format_rupiah
from pembinaan.lib.uploads import attach_evidence
from pembinaan.registry.models import Business, BusinessSource
from pembinaan.registry.signals import announce_businesses_changed

GRANT_ROUND_TYPE = "bantuan-modal"
G = CapitalAssistance.Status


# --- Budget lines -----------------------------------------------------------------------------


def _check_line(line: BudgetLine) -> None:
    if not line.amount or line.amount <= 0:
        raise ValidationError({"amount": _("Pagu harus lebih dari nol rupiah.")})
    line.needs_review = False
    line.full_clean(exclude=["created_by"])


@transaction.atomic
def budget_line_create(
    *,
    by: User,
    source: FundingSource,
    fiscal_year: int,
    amount: int,
    programme: str = "",
    budget_code: str = "",
    note: str = "",
) -> BudgetLine:
    line = BudgetLine(
        source=source,
        fiscal_year=fiscal_year,
        amount=amount,
        programme=programme,
        budget_code=budget_code,
        note=note,
        created_by=by,
    )
    _check_line(line)
    line._history_user = by
    line.save()
    return line


@transaction.atomic
def budget_line_update(*, line: BudgetLine, by: User, **fields: Any) -> BudgetLine:
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    moves = {k for k in ("source", "fiscal_year") if k in fields and getattr(line, k) != fields[k]}
    if moves and (line.activities.exists() or line.grants.exists()):
        raise ValidationError(
            _("Sumber dana dan tahun pagu yang sudah dipakai kegiatan atau bantuan tidak dapat diubah.")
        )
    for key in ("source", "fiscal_year", "amount", "programme", "budget_code", "note"):
        if key in fields:
            setattr(line, key, fields[key])
    _check_line(line)
    line._history_user = by
    line.save()
    return line


def budget_line_dependents(line: BudgetLine) -> list[str]:
    """What spends from a line, in words, for the refusal message when deleting it."""
    parts = []
    activities = list(line.activities.order_by("start_date").values_list("title", flat=True)[:3])
    n_activities = line.activities.count()
    if n_activities:
        parts.append(
            _("%(n)s kegiatan (%(titles)s%(more)s)")
            % {"n": n_activities, "titles": ", ".join(activities), "more": ", …" if n_activities > 3 else ""}
        )
    n_grants = line.grants.count()
    if n_grants:
        parts.append(_("%(n)s bantuan permodalan") % {"n": n_grants})
    return parts


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, by: User) -> None:
    dependents = budget_line_dependents(line)
    if dependents:
        raise ValidationError(
            _("Pagu ini tidak dapat dihapus karena sudah dipakai: %(what)s. Pindahkan dulu ke pagu lain.")
            % {"what": "; ".join(dependents)}
        )
    line._history_user = by
    line.delete()


# --- Capital assistance -----------------------------------------------------------------------


def earlier_grants_from_other_sources(
    *, business: Business, budget_line: BudgetLine, exclude_pk: int | None = None
):
    """Grants to the same business in the same fiscal year from another source (double dipping)."""
    return (
        CapitalAssistance.objects.filter(business=business, budget_line__fiscal_year=budget_line.fiscal_year)
        .exclude(budget_line__source=budget_line.source_id)
        .exclude(status=G.CANCELLED)
        .exclude(pk=exclude_pk)
        .select_related("budget_line__source", "activity")
    )


def describe_grant(grant: CapitalAssistance) -> str:
    return _("%(amount)s dari %(source)s TA %(year)s (%(round)s, %(status)s)") % {
        "amount": format_rupiah(grant.amount),
        "source": grant.budget_line.source.name,
        "year": grant.budget_line.fiscal_year,
        "round": grant.activity.title,
        "status": grant.get_status_display(),
    }


def double_funding_warnings(grant: CapitalAssistance) -> list[str]:
    return [
        _("Usaha ini sudah menerima/diusulkan bantuan lain: %(grant)s.") % {"grant": describe_grant(other)}
        for other in earlier_grants_from_other_sources(
            business=grant.business, budget_line=grant.budget_line, exclude_pk=grant.pk
        )
    ]


def _check_round(activity: Activity) -> None:
    if activity.coaching_type.code != GRANT_ROUND_TYPE:
        raise ValidationError(
            {"activity": _("Bantuan permodalan disalurkan melalui kegiatan berjenis Bantuan Permodalan.")}
        )
    if activity.is_cancelled:
        raise ValidationError({"activity": _("Kegiatan ini dibatalkan.")})


# --- Money in its year (docs/rules.md 13b, 13c) -----------------------------------------------


def registered_on(business: Business) -> datetime.date | None:
    """The day (WITA) the business registered itself in the portal; None for a record the dinas
    entered or imported.

    `created_at` is written once and never edited (`status_changed_at` moves with every later
    status). For a self-registration it is the day the business came to the dinas. A record staff
    entered or imported may describe a business coached years before the portal existed (its history
    is imported with it), so its entry day says nothing about when it could first attend.
    """
    if business.source != BusinessSource.SELF:
        return None
    return timezone.localdate(business.created_at)


def _check_charge(*, activity: Activity, budget_line: BudgetLine) -> None:
    """Rule 13b: a grant is charged to a line of its round's funding source and fiscal year.

    A round belongs to one fiscal year (its own line's), and a disbursement must fall in it
    (`_check_disbursement_year`), so "the year of the disbursement" is the round's year.
    """
    own = activity.budget_line
    if (budget_line.source_id, budget_line.fiscal_year) != (own.source_id, own.fiscal_year):
        raise ValidationError(
            {
                "budget_line": _(
                    "Bantuan pada putaran ini dibebankan ke pagu %(source)s tahun anggaran %(year)s, "
                    "sumber dana dan tahun anggaran putaran penyalurannya. Pilih pagu itu, atau "
                    "kosongkan untuk memakai pagu putaran."
                )
                % {"source": own.source.name, "year": own.fiscal_year}
            }
        )


def _check_disbursement_year(grant: CapitalAssistance, disbursed_on: datetime.date) -> None:
    """Rule 13b: money leaves in the fiscal year of the round it is charged to, or needs a new round."""
    year = grant.activity.budget_line.fiscal_year
    if disbursed_on.year != year:
        raise ValidationError(
            {
                "disbursed_on": _(
                    "Putaran penyaluran “%(round)s” termasuk tahun anggaran %(year)s, sedangkan "
                    "tanggal %(date)s masuk tahun anggaran %(new_year)s. Buka putaran penyaluran "
                    "(kegiatan Bantuan Permodalan) baru untuk tahun anggaran %(new_year)s, lalu "
                    "usulkan bantuan ini di sana."
                )
                % {
                    "round": grant.activity.title,
                    "year": year,
                    "date": date_format(disbursed_on),
                    "new_year": disbursed_on.year,
                }
            }
        )


def _check_attendance_date(grant: CapitalAssistance, *, approved_on: datetime.date) -> None:
    """Rule 13c: the `hadir` a disbursement records is dated by the round's start (rule 6e), which
    is never before the business was registered nor before the grant was approved."""
    start = grant.activity.start_date
    registered = registered_on(grant.business)
    if registered is not None and start < registered:
        raise ValidationError(
            {
                "activity": _(
                    "Putaran penyaluran ini dimulai %(start)s, sebelum usaha penerima terdaftar "
                    "(%(registered)s); kehadiran penerima tidak boleh bertanggal sebelum usahanya "
                    "terdaftar. Buka putaran penyaluran baru yang dimulai pada atau sesudah "
                    "%(registered)s, lalu usulkan bantuan ini di sana."
                )
                % {"start": date_format(start), "registered": date_format(registered)}
            }
        )
    if start < approved_on:
        raise ValidationError(
            {
                "activity": _(
                    "Putaran penyaluran ini dimulai %(start)s, sebelum bantuan disetujui "
                    "(%(approved)s); kehadiran penerima tidak boleh bertanggal sebelum persetujuan. "
                    "Buka putaran penyaluran baru yang dimulai pada atau sesudah %(approved)s, lalu "
                    "usulkan bantuan ini di sana."
                )
                % {"start": date_format(start), "approved": date_format(approved_on)}
            }
        )


APPROVE, DISBURSE = "approve", "disburse"
PERMISSIONS = {
    APPROVE: "funding.approve_capitalassistance",
    DISBURSE: "funding.disburse_capitalassistance",
}


def step_refusal(*, grant: CapitalAssistance, user: User, step: str) -> str | None:
    """Why `user`, as a person, may not take `step` on this grant (rule 14), or None.

    The approver is never the proposer and the disburser never the approver, whatever Admin Dinas
    chose; in the default "ketat" mode the disburser is not the proposer either. A step whose
    person is unknown (a row from before the portal kept it) does not block the next one.
    """
    proposer, approver = grant.created_by_id, grant.approved_by_id
    if step == APPROVE and proposer is not None and proposer == user.pk:
        return _("Anda yang mengusulkan bantuan ini; persetujuan oleh orang lain.")
    if step == DISBURSE:
        if approver is not None and approver == user.pk:
            return _("Anda yang menyetujui bantuan ini; penyaluran dicatat oleh orang lain.")
        strict = DutySeparation.current().mode == DutySeparation.Mode.STRICT
        if strict and proposer is not None and proposer == user.pk:
            return _("Anda yang mengusulkan bantuan ini; penyaluran dicatat oleh orang lain.")
    return None


def _check_separation(grant: CapitalAssistance, by: User, step: str, *, decided_outside_portal: bool) -> None:
    if decided_outside_portal:
        # The importer records a decision already taken on paper by someone else; it checks that
        # the importing user holds the step's permission (coaching/importers.py).
        return
    if (refusal := step_refusal(grant=grant, user=by, step=step)) is not None:
        raise ValidationError(refusal)


def _approved_on(grant: CapitalAssistance) -> datetime.date:
    # An approval the portal did not date (a row written outside these services) counts as made
    # today: the latest it can have been, so no attendance is dated before it.
    return grant.approved_on or timezone.localdate()


@transaction.atomic
def grant_propose(
    *,
    by: User,
    business: Business,
    activity: Activity,
    amount: int,
    date: datetime.date,
    form: str = CapitalAssistance.Form.CASH,
    description: str = "",
    budget_line: BudgetLine | None = None,
    evidence: UploadedFile | None = None,
) -> CapitalAssistance:
    """Propose a grant in a disbursement round; the recipient becomes the round's participant."""
    _check_round(activity)
    if business.merged_into_id:
        raise ValidationError(_("Usaha ini sudah digabung ke data lain."))
    if not amount or amount <= 0:
        raise ValidationError({"amount": _("Nilai bantuan harus lebih dari nol rupiah.")})
    _check_charge(activity=activity, budget_line=budget_line or activity.budget_line)
    grant = CapitalAssistance(
        business=business,
        activity=activity,
        budget_line=budget_line or activity.budget_line,
        amount=amount,
        date=date,
        form=form,
        description=description,
        created_by=by,
    )
    if CapitalAssistance.objects.filter(activity=activity, business=business).exists():
        raise ValidationError(_("Usaha ini sudah diusulkan dalam putaran penyaluran ini."))
    attach_evidence(grant, evidence, default_name="berita-acara")
    grant.full_clean(exclude=["created_by", "evidence"], validate_unique=False, validate_constraints=False)
    grant._history_user = by
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError as exc:
        raise ValidationError(_("Usaha ini sudah diusulkan dalam putaran penyaluran ini.")) from exc
    participation = Participation.objects.filter(activity=activity, business=business).first()
    if participation is None or participation.status == ParticipationStatus.CANCELLED:
        coaching_services.participation_add(
            activity=activity, business=business, by=by, override_capacity=True
        )
    return grant


def _locked(grant: CapitalAssistance) -> CapitalAssistance:
    return (
        CapitalAssistance.objects.select_for_update()
        .select_related("budget_line__source", "activity")
        .get(pk=grant.pk)
    )


@transaction.atomic
def grant_approve(
    *,
    grant: CapitalAssistance,
    by: User,
    reason: str = "",
    approved_on: datetime.date | None = None,
    decided_outside_portal: bool = False,
) -> CapitalAssistance:
    """Approve a proposal; a second grant in one year from another source needs a kept reason.

    The approval is dated today; an import of past decisions may give the day written on them.
    """
    grant = _locked(grant)
    if grant.status != G.PROPOSED:
        raise ValidationError(_("Hanya usulan yang dapat disetujui."))
    _check_separation(grant, by, APPROVE, decided_outside_portal=decided_outside_portal)
    approved_on = approved_on or timezone.localdate()
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("Tanggal persetujuan tidak boleh di masa depan.")})
    if approved_on < grant.date:
        raise ValidationError(
            {
                "approved_on": _("Tanggal persetujuan tidak boleh sebelum tanggal usulan (%(d)s).")
                % {"d": date_format(grant.date)}
            }
        )
    warnings = double_funding_warnings(grant)
    if warnings and not reason.strip():
        raise ValidationError({"reason": warnings + [_("Tuliskan alasan menyetujui bantuan kedua ini.")]})
    grant.status = G.APPROVED
    grant.double_funding_reason = reason.strip() if warnings else ""
    grant.approved_on, grant.approved_by = approved_on, by
    grant._history_user = by
    grant.save(update_fields=["status", "double_funding_reason", "approved_on", "approved_by"])
    return grant


@transaction.atomic
def grant_disburse(
    *,
    grant: CapitalAssistance,
    by: User,
    disbursed_on: datetime.date,
    evidence: UploadedFile | None = None,
    decided_outside_portal: bool = False,
) -> CapitalAssistance:
    """Disbursed: the money counts as realisasi and the recipient as coached (rule 6)."""
    grant = _locked(grant)
    if grant.status != G.APPROVED:
        raise ValidationError(_("Hanya bantuan yang sudah disetujui yang dapat disalurkan."))
    _check_separation(grant, by, DISBURSE, decided_outside_portal=decided_outside_portal)
    if disbursed_on > timezone.localdate():
        raise ValidationError({"disbursed_on": _("Tanggal penyaluran tidak boleh di masa depan.")})
    if disbursed_on < grant.activity.start_date:
        raise ValidationError(
            {
                "disbursed_on": _("Tanggal penyaluran tidak boleh sebelum kegiatan dimulai (%(d)s).")
                % {"d": date_format(grant.activity.start_date)}
            }
        )
    _check_disbursement_year(grant, disbursed_on)
    _check_charge(activity=grant.activity, budget_line=grant.budget_line)
    # With the round's start on or after the approval, so is the disbursement (it is not before
    # the start, above): no money leaves before it was approved.
    _check_attendance_date(grant, approved_on=_approved_on(grant))
    attach_evidence(grant, evidence, default_name="berita-acara")
    grant.status = G.DISBURSED
    grant.disbursed_on, grant.disbursed_by = disbursed_on, by
    grant._history_user = by
    grant.save()
    participation = Participation.objects.get(activity=grant.activity, business=grant.business)
    coaching_services.attendance_record(
        activity=grant.activity, statuses={participation.pk: ParticipationStatus.ATTENDED}, by=by
    )
    return grant


@transaction.atomic
def grant_cancel(*, grant: CapitalAssistance, by: User, reason: str) -> CapitalAssistance:
    grant = _locked(grant)
    if grant.status == G.DISBURSED:
        raise ValidationError(
            _("Bantuan yang sudah disalurkan tidak dapat dibatalkan; ubah datanya dengan alasan.")
        )
    if grant.status == G.CANCELLED:
        raise ValidationError(_("Bantuan ini sudah dibatalkan."))
    if not reason.strip():
        raise ValidationError({"reason": _("Tuliskan alasan pembatalan.")})
    grant.status = G.CANCELLED
    grant.change_reason = reason.strip()
    grant._history_user = by
    grant.save(update_fields=["status", "change_reason"])
    Participation.objects.filter(activity=grant.activity, business=grant.business).exclude(
        status=ParticipationStatus.ATTENDED
    ).update(status=ParticipationStatus.CANCELLED)
    announce_businesses_changed([grant.business_id])
    return grant


GRANT_EDITABLE = ("date", "form", "amount", "description", "budget_line")


@transaction.atomic
def grant_update(*, grant: CapitalAssistance, by: User, reason: str = "", **fields: Any) -> CapitalAssistance:
    """Edit a grant; once disbursed, every change needs a reason that the history keeps."""
    grant = _locked(grant)
    if grant.status == G.DISBURSED and not reason.strip():
        raise ValidationError({"reason": _("Bantuan ini sudah disalurkan; tuliskan alasan perubahan.")})
    if grant.status == G.CANCELLED:
        raise ValidationError(_("Bantuan yang dibatalkan tidak dapat diubah."))
    previous_line = grant.budget_line_id
    for key in GRANT_EDITABLE:
        if key in fields:
            setattr(grant, key, fields[key])
    if grant.budget_line_id is None:
        grant.budget_line = grant.activity.budget_line  # empty means the round's own line
    if not grant.amount or grant.amount <= 0:
        raise ValidationError({"amount": _("Nilai bantuan harus lebih dari nol rupiah.")})
    _check_charge(activity=grant.activity, budget_line=grant.budget_line)
    if grant.approved_on and grant.date > grant.approved_on:
        raise ValidationError(
            {
                "date": _("Tanggal usulan tidak boleh sesudah tanggal bantuan disetujui (%(d)s).")
                % {"d": date_format(grant.approved_on)}
            }
        )
    if grant.budget_line_id != previous_line and grant.status != G.PROPOSED:
        # Moving an approved grant to another source is a new approval for the double-dipping guard.
        warnings = double_funding_warnings(grant)
        if warnings and not reason.strip():
            raise ValidationError({"reason": warnings + [_("Tuliskan alasan menyetujui bantuan kedua ini.")]})
        if warnings:
            grant.double_funding_reason = reason.strip()
    grant.change_reason = reason.strip()
    grant.full_clean(exclude=["created_by", "evidence"], validate_unique=False)
    grant._history_user = by
    grant.save()
    return grant
