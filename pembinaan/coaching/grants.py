"""Grant rounds and grants (bantuan permodalan): propose, approve, disburse, cancel, change.

The grant rows stay in `funding.CapitalAssistance` (its table, permissions and history); the
workflow is coaching's, because a grant is given through a round (an activity of type "Bantuan
Permodalan") and disbursing it records the recipient's attendance (docs/rules.md rule 6c).

Which budget line a grant is charged to, and the year its money leaves in (rule 13b), are
funding's rule (`pembinaan/funding/services.py`); the recipient's `hadir` is never dated before the
business registered nor before the approval (13c, `_check_attendance_date`); rule 14 (separation
of duties) is `step_refusal`. Which role may take a step is a permission the views check
(approve_ / disburse_capitalassistance); who, as a person, may take it on one grant is decided
here, for every screen.
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
from pembinaan.coaching import services
from pembinaan.coaching.models import GRANT_ROUND_TYPE, Activity, Participation, ParticipationStatus
from pembinaan.funding import services as funding_services
from pembinaan.funding.models import BudgetLine, CapitalAssistance, DutySeparation
from pembinaan.lib.money import format_rupiah
from pembinaan.lib.uploads import attach_evidence
from pembinaan.registry.models import Business, BusinessSource
from pembinaan.registry.signals import announce_businesses_changed

G = CapitalAssistance.Status


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


# --- Money in its year: the recipient's attendance (docs/rules.md 13c) ----------------------------


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
        # the importing user holds the step's permission (the grant importer).
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
    funding_services.check_grant_charge(
        round_line=activity.budget_line, budget_line=budget_line or activity.budget_line
    )
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
        services.participation_add(activity=activity, business=business, by=by, override_capacity=True)
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
    funding_services.check_disbursement_year(
        round_line=grant.activity.budget_line, round_title=grant.activity.title, disbursed_on=disbursed_on
    )
    funding_services.check_grant_charge(round_line=grant.activity.budget_line, budget_line=grant.budget_line)
    # With the round's start on or after the approval, so is the disbursement (it is not before
    # the start, above): no money leaves before it was approved.
    _check_attendance_date(grant, approved_on=_approved_on(grant))
    attach_evidence(grant, evidence, default_name="berita-acara")
    grant.status = G.DISBURSED
    grant.disbursed_on, grant.disbursed_by = disbursed_on, by
    grant._history_user = by
    grant.save()
    participation = Participation.objects.get(activity=grant.activity, business=grant.business)
    services.attendance_record(
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
    previous_line, previous_amount = grant.budget_line_id, grant.amount
    for key in GRANT_EDITABLE:
        if key in fields:
            setattr(grant, key, fields[key])
    if grant.status == G.APPROVED and grant.amount != previous_amount:
        # Rule 14: the approver approved an amount; a different one goes back to be approved again.
        grant.status, grant.approved_on, grant.approved_by = G.PROPOSED, None, None
    if grant.budget_line_id is None:
        grant.budget_line = grant.activity.budget_line  # empty means the round's own line
    if not grant.amount or grant.amount <= 0:
        raise ValidationError({"amount": _("Nilai bantuan harus lebih dari nol rupiah.")})
    funding_services.check_grant_charge(round_line=grant.activity.budget_line, budget_line=grant.budget_line)
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
