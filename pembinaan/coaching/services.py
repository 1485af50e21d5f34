"""Coaching workflows: activities, participants, attendance, outcomes and yearly figures.

Views and (later) the importer call these, so the web and the spreadsheet follow one set of rules.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.coaching import notices
from pembinaan.coaching.models import (
    NAIK_KELAS,
    Activity,
    ActivityAttachment,
    FiguresSnapshot,
    Outcome,
    OutcomeType,
    Participation,
    ParticipationStatus,
)
from pembinaan.funding import services as funding_services
from pembinaan.lib.uploads import attach_evidence, check_upload
from pembinaan.registry.models import Business, BusinessStatus
from pembinaan.registry.scale import SCALE_ORDER, classify
from pembinaan.registry.signals import announce_businesses_changed

ACTIVITY_FIELDS = (
    "title",
    "coaching_type",
    "format",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "venue",
    "kecamatan",
    "organiser",
    "organiser_name",
    "trainer",
    "capacity",
    "description",
    "visit_note",
    "status",
    "fiscal_year",
    "funding_source",
    "budget_line",
    "planned_cost",
    "actual_cost",
    "open_for_signup",
)


def _check_activity(activity: Activity) -> None:
    errors = {}
    if activity.format == Activity.Format.MENTORING:
        # A one-to-one mentoring visit is an activity with exactly one participant.
        if activity.capacity not in (None, 1):
            errors["capacity"] = _("Pendampingan satu-satu hanya untuk satu peserta.")
        activity.capacity = 1
    if (
        activity.fiscal_year
        and activity.start_date
        and abs(activity.fiscal_year - activity.start_date.year) > 1
    ):
        errors["fiscal_year"] = _("Tahun anggaran jauh dari tanggal kegiatan; periksa kembali.")
    if activity.status == Activity.Status.CANCELLED and not activity.cancel_reason:
        errors["status"] = _("Pakai tombol Batalkan kegiatan agar alasan pembatalan tercatat.")
    if not activity.coaching_type.is_active and (
        activity.pk is None
        or not Activity.objects.filter(pk=activity.pk, coaching_type=activity.coaching_type_id).exists()
    ):
        errors["coaching_type"] = _("Jenis pembinaan ini sudah tidak dipakai.")
    if (
        activity.pk is not None
        and activity.start_date
        and activity.start_date > timezone.localdate()
        and activity.participations.filter(
            status__in=[ParticipationStatus.ATTENDED, ParticipationStatus.ABSENT]
        ).exists()
    ):
        # Rule 6 counts attendance without a clock because attendance exists only once an
        # activity has started; moving an attended activity into the future would break that.
        errors["start_date"] = _("Kehadiran sudah dicatat; tanggal mulai tidak boleh dipindah ke masa depan.")
    if errors:
        raise ValidationError(errors)


def _charge(activity: Activity) -> None:
    """Charge the activity to a budget line (rule 13a, funding's rule); the line decides source and year."""
    line = funding_services.activity_budget_line(
        line=activity.budget_line if activity.budget_line_id else None,
        line_chosen=getattr(activity, "_line_chosen", False),
        source_id=activity.funding_source_id,
        fiscal_year=activity.fiscal_year,
    )
    if line is not None:
        activity.budget_line = line
        activity.funding_source_id, activity.fiscal_year = line.source_id, line.fiscal_year


@transaction.atomic
def activity_create(*, by: User | None, **fields: Any) -> Activity:
    activity = Activity(created_by=by, **{k: v for k, v in fields.items() if k in ACTIVITY_FIELDS})
    activity._line_chosen = fields.get("budget_line") is not None
    _charge(activity)
    _check_activity(activity)
    activity.full_clean(exclude=["created_by"])
    activity._history_user = by
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, by: User | None, **fields: Any) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    was_cancelled = activity.is_cancelled
    previous_line = activity.budget_line_id
    for key, value in fields.items():
        if key in ACTIVITY_FIELDS:
            setattr(activity, key, value)
    activity._line_chosen = (
        fields.get("budget_line") is not None and fields["budget_line"].pk != previous_line
    )
    if fields.get("budget_line") is None and "budget_line" in fields:
        activity.budget_line = None
    _charge(activity)
    if was_cancelled and activity.status != Activity.Status.CANCELLED:
        raise ValidationError(
            {"status": _("Kegiatan yang dibatalkan tidak dapat diaktifkan lagi; buat kegiatan baru.")}
        )
    _check_activity(activity)
    if activity.capacity is not None and activity.capacity < _active_count(activity):
        raise ValidationError(
            {
                "capacity": _("Sudah ada %(n)s peserta aktif; kapasitas tidak boleh lebih kecil.")
                % {"n": _active_count(activity)}
            }
        )
    activity.full_clean(exclude=["created_by"])
    activity._history_user = by
    activity.save()
    # Its date, type or source may have moved its participants in or out of a breakdown.
    announce_businesses_changed(activity.participations.values_list("business_id", flat=True))
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, by: User, reason: str) -> Activity:
    """Cancel an activity: its participants' records stay, and none of them counts (rule 6)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Tuliskan alasan pembatalan.")})
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.is_cancelled:
        raise ValidationError(_("Kegiatan ini sudah dibatalkan."))
    activity.status = Activity.Status.CANCELLED
    activity.cancel_reason = reason.strip()
    activity._history_user = by
    activity.save(update_fields=["status", "cancel_reason", "updated_at"])
    announce_businesses_changed(activity.participations.values_list("business_id", flat=True))
    return activity


def _active_count(activity: Activity) -> int:
    return activity.participations.exclude(status=ParticipationStatus.CANCELLED).count()


def _check_capacity(activity: Activity, adding: int, override: bool) -> None:
    if activity.format == Activity.Format.MENTORING:
        override = False  # no override: a mentoring visit has one participant by definition
    if activity.capacity is None or override:
        return
    taken = _active_count(activity)
    if taken + adding > activity.capacity:
        raise ValidationError(
            _(
                "Kapasitas kegiatan %(capacity)s peserta; sudah terisi %(taken)s, tidak cukup untuk %(adding)s lagi. "
                "Staf dapat menambah melebihi kapasitas dengan mencentang pilihan lewati kapasitas."
            )
            % {"capacity": activity.capacity, "taken": taken, "adding": adding}
        )


def _check_open(activity: Activity) -> None:
    if activity.is_cancelled:
        raise ValidationError(_("Kegiatan ini dibatalkan; peserta tidak dapat ditambah."))


@transaction.atomic
def participation_add(
    *,
    activity: Activity,
    business: Business,
    by: User | None,
    override_capacity: bool = False,
    self_registered: bool = False,
) -> Participation:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_open(activity)
    if business.merged_into_id:
        raise ValidationError(_("Usaha ini sudah digabung ke data lain; pilih data yang dipertahankan."))
    existing = Participation.objects.filter(activity=activity, business=business).first()
    if existing is not None and existing.status != ParticipationStatus.CANCELLED:
        raise ValidationError(_("%(name)s sudah menjadi peserta kegiatan ini.") % {"name": business.name})
    _check_capacity(activity, 1, override_capacity)
    if existing is not None:
        # Signing up again after cancelling re-opens the same row: one row per business and activity.
        existing.status = ParticipationStatus.REGISTERED
        existing._history_user = by
        existing.save(update_fields=["status"])
        return existing
    participation = Participation(
        activity=activity, business=business, registered_by=by, self_registered=self_registered
    )
    participation._history_user = by
    try:
        with transaction.atomic():
            participation.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s sudah menjadi peserta kegiatan ini.") % {"name": business.name}
        ) from exc
    return participation


@transaction.atomic
def participations_add_many(
    *, activity: Activity, businesses: list[Business], by: User, override_capacity: bool = False
) -> list[Participation]:
    """Add several businesses at once: all of them, or none when any cannot be added."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_open(activity)
    already = set(
        Participation.objects.filter(activity=activity, business__in=businesses)
        .exclude(status=ParticipationStatus.CANCELLED)
        .values_list("business_id", flat=True)
    )
    if already:
        names = ", ".join(b.name for b in businesses if b.pk in already)
        raise ValidationError(_("Sudah menjadi peserta: %(names)s.") % {"names": names})
    _check_capacity(activity, len(businesses), override_capacity)
    return [
        participation_add(activity=activity, business=business, by=by, override_capacity=True)
        for business in businesses
    ]


def _check_attendance_allowed(activity: Activity, status: str) -> None:
    if status in (ParticipationStatus.ATTENDED, ParticipationStatus.ABSENT):
        if activity.is_cancelled:
            raise ValidationError(_("Kegiatan ini dibatalkan; kehadiran tidak dapat dicatat."))
        if not activity.has_started():
            raise ValidationError(
                _("Kehadiran baru dapat dicatat setelah kegiatan dimulai (%(date)s).")
                % {"date": date_format(activity.start_date)}
            )


@transaction.atomic
def attendance_record(*, activity: Activity, statuses: dict[int, str], by: User) -> int:
    """Set the status of several participants of one activity; returns how many changed."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    for status in set(statuses.values()):
        if status not in ParticipationStatus.values:
            raise ValidationError(_("Status kehadiran tidak dikenal: %(s)s") % {"s": status})
        _check_attendance_allowed(activity, status)
    now = timezone.now()
    changed = 0
    touched: list[int] = []
    for participation in activity.participations.filter(pk__in=list(statuses)).select_for_update():
        new = statuses[participation.pk]
        if participation.status == new:
            continue
        participation.status = new
        participation.attendance_marked_at = now
        participation.attendance_marked_by = by
        participation._history_user = by
        participation.save(update_fields=["status", "attendance_marked_at", "attendance_marked_by"])
        changed += 1
        touched.append(participation.business_id)
    announce_businesses_changed(touched)
    return changed


@transaction.atomic
def attendance_mark_all_present(*, activity: Activity, by: User) -> int:
    """Everyone still registered is marked present; no-shows and cancellations stay as they are."""
    ids = activity.participations.filter(status=ParticipationStatus.REGISTERED).values_list("pk", flat=True)
    return attendance_record(
        activity=activity, statuses=dict.fromkeys(ids, ParticipationStatus.ATTENDED), by=by
    )


@transaction.atomic
def attachment_add(*, activity: Activity, upload: UploadedFile, kind: str, by: User) -> ActivityAttachment:
    checked = check_upload(upload)
    attachment = ActivityAttachment(
        activity=activity,
        kind=kind,
        original_name=(upload.name or "berkas")[-255:],
        content_type=checked.content_type,
        size=checked.size,
        token=checked.token,
        extension=checked.extension,
        uploaded_by=by,
    )
    attachment.file.save(checked.token + checked.extension, upload, save=False)
    attachment.save()
    return attachment


OUTCOME_FIELDS = (
    "outcome_type",
    "achieved_on",
    "activity",
    "reference_number",
    "institution",
    "amount",
    "note",
)


@transaction.atomic
def outcome_record(
    *, business: Business, by: User | None, evidence: UploadedFile | None = None, **fields: Any
) -> Outcome:
    outcome = Outcome(
        business=business, created_by=by, **{k: v for k, v in fields.items() if k in OUTCOME_FIELDS}
    )
    errors = {}
    if outcome.achieved_on and outcome.achieved_on > timezone.localdate():
        errors["achieved_on"] = _("Tanggal capaian tidak boleh di masa depan.")
    if (
        outcome.activity_id
        and not outcome.activity.participations.filter(
            business=business, status=ParticipationStatus.ATTENDED
        ).exists()
    ):
        errors["activity"] = _("Usaha ini tidak tercatat hadir pada kegiatan tersebut.")
    if errors:
        raise ValidationError(errors)
    attach_evidence(outcome, evidence, default_name="bukti")
    outcome.full_clean(exclude=["business", "created_by", "evidence"])
    outcome._history_user = by
    outcome.save()
    announce_businesses_changed([business.pk])  # outcomes of coached businesses are on the dashboard
    return outcome


@transaction.atomic
def figures_record(
    *,
    business: Business,
    by: User | None,
    year: int,
    annual_sales: int | None,
    employees: int | None,
    assets: int | None,
    sells_online: bool,
    recorded_on: datetime.date | None = None,
) -> FiguresSnapshot:
    """Record a year's figures; a move to a higher scale than the year before is an outcome itself."""
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year:
        raise ValidationError({"year": _("Tahun harus antara 2000 dan %(y)s.") % {"y": this_year}})
    if recorded_on and recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": _("Tanggal pencatatan tidak boleh di masa depan.")})
    if FiguresSnapshot.objects.filter(business=business, year=year).exists():
        raise ValidationError({"year": _("Data tahun %(y)s sudah ada untuk usaha ini.") % {"y": year}})
    scale, basis = classify(annual_sales=annual_sales, capital=assets)
    snapshot = FiguresSnapshot(
        business=business,
        year=year,
        recorded_on=recorded_on or timezone.localdate(),
        annual_sales=annual_sales,
        employees=employees,
        assets=assets,
        sells_online=sells_online,
        scale=scale,
        scale_basis=basis,
        created_by=by,
    )
    snapshot._history_user = by
    snapshot.save()
    previous = (
        FiguresSnapshot.objects.filter(business=business, year__lt=year)
        .exclude(scale="")
        .order_by("-year")
        .first()
    )
    if previous and scale and SCALE_ORDER.index(scale) > SCALE_ORDER.index(previous.scale):
        with translation.override(settings.LANGUAGE_CODE):
            note = _("Dari %(old)s (%(y0)s) ke %(new)s (%(y1)s)") % {
                "old": previous.get_scale_display(),
                "y0": previous.year,
                "new": snapshot.get_scale_display(),
                "y1": year,
            }
        Outcome.objects.create(
            business=business,
            outcome_type=OutcomeType.objects.get(code=NAIK_KELAS),
            achieved_on=snapshot.recorded_on,
            note=note,
            created_by=by,
        )
        announce_businesses_changed([business.pk])
    return snapshot


# --- Owners signing up themselves -------------------------------------------------------------


def activity_starts_at(activity: Activity) -> datetime.datetime:
    """Its start time, or the beginning of its first day when no time is set (WITA)."""
    return timezone.make_aware(
        datetime.datetime.combine(activity.start_date, activity.start_time or datetime.time(0, 0))
    )


def signup_is_open(activity: Activity, now: datetime.datetime | None = None) -> bool:
    """Owners may sign up while staff keep sign-up open, until the activity starts."""
    if not activity.open_for_signup or activity.is_cancelled:
        return False
    return activity_starts_at(activity) > (now or timezone.now())


@transaction.atomic
def participation_self_signup(*, activity: Activity, business: Business, by: User) -> Participation:
    """An owner signs up one of their verified businesses for an open activity (capacity holds)."""
    # Lock first, so that two owners taking the last seat cannot both get it.
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if business.owner.user_id != by.pk:
        raise ValidationError({"business": _("Usaha ini bukan milik Anda.")})
    if business.status != BusinessStatus.VERIFIED or business.merged_into_id:
        raise ValidationError(
            {"business": _("Hanya usaha yang sudah diverifikasi dinas yang dapat didaftarkan ke kegiatan.")}
        )
    if not signup_is_open(activity):
        raise ValidationError(_("Pendaftaran kegiatan ini sudah ditutup."))
    if activity.capacity is not None and _active_count(activity) >= activity.capacity:
        raise ValidationError(_("Maaf, kuota peserta kegiatan ini sudah penuh."))
    participation = participation_add(activity=activity, business=business, by=by, self_registered=True)
    if not participation.self_registered:
        participation.self_registered = True
        participation.save(update_fields=["self_registered"])
    announce_businesses_changed([business.pk])
    notices.signup_confirmed(participation)
    return participation


@transaction.atomic
def participation_self_cancel(*, participation: Participation, by: User) -> Participation:
    """An owner withdraws before the activity starts; the row stays, marked cancelled."""
    participation = (
        Participation.objects.select_for_update()
        .select_related("activity", "business__owner")
        .get(pk=participation.pk)
    )
    if participation.business.owner.user_id != by.pk:
        raise ValidationError(_("Pendaftaran ini bukan milik Anda."))
    if participation.status != ParticipationStatus.REGISTERED:
        raise ValidationError(_("Pendaftaran ini tidak dapat dibatalkan lagi."))
    if activity_starts_at(participation.activity) <= timezone.now():
        raise ValidationError(_("Kegiatan sudah dimulai; pendaftaran tidak dapat dibatalkan lagi."))
    participation.status = ParticipationStatus.CANCELLED
    participation._history_user = by
    participation.save(update_fields=["status"])
    announce_businesses_changed([participation.business_id])
    return participation
