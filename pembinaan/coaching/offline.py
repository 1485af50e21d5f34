"""Attendance taken offline on a phone (issue 20): the list a device stores and the changes it sends back.

The device stores an activity's participants (no more than the attendance screen shows, NIK masked),
queues what the officer records in the hall, and sends the queue when it is online again. Each
change is applied here through the ordinary coaching and registry services, so figures, history and
rules hold as if the officer had used the attendance screen. Each change carries a key of its own:
a key already applied answers with the stored result, so a retried send never records twice.

A change the server cannot apply comes back as a conflict, with both values, for the officer to
resolve on the device; nothing is dropped here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.coaching import services
from pembinaan.coaching.models import Activity, OfflineChange, Participation, ParticipationStatus
from pembinaan.lib.identifiers import mask_nik, object_id, parse_nib, parse_nik
from pembinaan.reference.models import KbliCategory, Kelurahan
from pembinaan.registry import services as registry_services
from pembinaan.registry.models import Business, BusinessSource, BusinessStatus, Owner

MAX_CHANGES = 500
KINDS = ("status", "walkin", "registration")
# What an officer marks in the hall; registering and cancelling stay on the ordinary screens.
MARKABLE = (ParticipationStatus.ATTENDED, ParticipationStatus.ABSENT)


def version(participation: Participation) -> str:
    """What the device saw: a change made since by someone else gives another value."""
    marked = participation.attendance_marked_at
    return f"{participation.status}@{marked.isoformat() if marked else '-'}"


def participant_row(participation: Participation) -> dict[str, Any]:
    business = participation.business
    return {
        "id": participation.pk,
        "business": business.name,
        "owner": business.owner.name,
        "nik": mask_nik(business.owner.nik),
        "kelurahan": business.kelurahan.name if business.kelurahan_id else "",
        "status": participation.status,
        "version": version(participation),
    }


def _participants(activity: Activity):
    return (
        activity.participations.exclude(status=ParticipationStatus.CANCELLED)
        .select_related("business__owner", "business__kelurahan")
        .order_by("business__name", "pk")
    )


def activity_package(activity: Activity) -> dict[str, Any]:
    """Everything the device stores to take this activity's attendance offline."""
    return {
        "activity": {
            "id": activity.pk,
            "title": activity.title,
            "date": date_format(activity.start_date),
            "venue": activity.venue,
            "can_mark": activity.has_started() and not activity.is_cancelled,
        },
        "participants": [participant_row(p) for p in _participants(activity)],
        "statuses": [[value, str(ParticipationStatus(value).label)] for value in MARKABLE],
        "kelurahan": [[k.pk, k.name] for k in Kelurahan.objects.order_by("name")],
        "kbli": [[c.pk, f"{c.pk} — {c.name}"] for c in KbliCategory.objects.order_by("pk")],
    }


class Refused(Exception):
    """A change the server will not apply as sent; becomes a conflict the officer resolves."""

    def __init__(self, reason: str, message: str, **extra: Any):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.extra = extra


def _theirs(participation: Participation) -> dict[str, Any]:
    by = participation.attendance_marked_by
    marked = participation.attendance_marked_at
    return {
        "status": participation.status,
        "label": str(ParticipationStatus(participation.status).label),
        "by": by.get_short_name() if by else "",
        "at": date_format(localtime(marked), "DATETIME_FORMAT") if marked else "",
        "version": version(participation),
    }


def _check_business(business: Business) -> None:
    if business.merged_into_id:
        raise Refused("refused", _("Usaha ini sudah digabung ke data lain; pilih data yang dipertahankan."))
    if business.status == BusinessStatus.REJECTED:
        raise Refused("refused", _("Usaha ini ditolak di registri; kehadirannya tidak dapat dicatat."))


def _mark(activity: Activity, participation: Participation, status: str, by: User) -> Participation:
    services.attendance_record(activity=activity, statuses={participation.pk: status}, by=by)
    return Participation.objects.select_related(
        "business__owner", "business__kelurahan", "attendance_marked_by"
    ).get(pk=participation.pk)


def _status(activity: Activity, change: dict, by: User) -> Participation:
    pk = object_id(str(change.get("participation", "")))
    status = change.get("status")
    if status not in MARKABLE:
        raise Refused("invalid", _("Status kehadiran tidak dikenal."))
    participation = (
        activity.participations.select_related(
            "business__owner", "business__kelurahan", "attendance_marked_by"
        )
        .filter(pk=pk)
        .first()
    )
    if participation is None:
        raise Refused("invalid", _("Peserta ini tidak ada pada kegiatan tersebut."))
    _check_business(participation.business)
    # Changed since the device stored the list, by someone else (the officer's own earlier send,
    # whose answer was lost, is no conflict): the officer decides which value holds.
    if (
        participation.status != status
        and version(participation) != change.get("base")
        and participation.attendance_marked_by_id != by.pk
    ):
        raise Refused(
            "changed",
            _("Kehadiran peserta ini diubah orang lain setelah daftar disimpan di perangkat."),
            theirs=_theirs(participation),
        )
    return _mark(activity, participation, status, by)


def _find_business(change: dict) -> Business:
    nib, nik = str(change.get("nib") or "").strip(), str(change.get("nik") or "").strip()
    try:
        if nib:
            business = Business.objects.active().filter(nib=parse_nib(nib)).first()
        elif nik:
            owned = list(Business.objects.active().filter(owner__nik=parse_nik(nik).nik)[:2])
            if len(owned) > 1:
                raise Refused(
                    "refused", _("Pemilik ini punya lebih dari satu usaha; catat dengan NIB usahanya.")
                )
            business = owned[0] if owned else None
        else:
            raise Refused("invalid", _("Isi NIK pemilik atau NIB usaha."))
    except ValidationError as exc:
        raise Refused("invalid", " ".join(exc.messages)) from exc
    if business is None:
        raise Refused(
            "not_found",
            _("Tidak ditemukan di registri. Catat sebagai pendaftaran baru agar diverifikasi nanti."),
        )
    return business


def _attend(activity: Activity, business: Business, by: User) -> Participation:
    """A walk-in is added (beyond capacity if need be: they are in the hall) and marked present."""
    _check_business(business)
    existing = activity.participations.filter(business=business).first()
    if existing is None or existing.status == ParticipationStatus.CANCELLED:
        existing = services.participation_add(
            activity=activity, business=business, by=by, override_capacity=True
        )
    return _mark(activity, existing, ParticipationStatus.ATTENDED, by)


def _walkin(activity: Activity, change: dict, by: User) -> Participation:
    if not by.has_perm("coaching.add_participation"):
        raise Refused("refused", _("Anda tidak berhak menambah peserta."))
    return _attend(activity, _find_business(change), by)


def _registration(activity: Activity, change: dict, by: User) -> Participation:
    """Someone not in the registry: owner and business are entered as submitted, for staff to verify."""
    if not (
        by.has_perm("coaching.add_participation")
        and by.has_perm("registry.add_owner")
        and by.has_perm("registry.add_business")
    ):
        raise Refused("refused", _("Anda tidak berhak mendaftarkan usaha baru."))
    owner_name = str(change.get("owner_name") or "").strip()[:150]
    business_name = str(change.get("business_name") or "").strip()[:200]
    if not owner_name or not business_name:
        raise Refused("invalid", _("Isi nama pemilik dan nama usaha."))
    kelurahan = Kelurahan.objects.filter(pk=str(change.get("kelurahan") or "")[:13]).first()
    kbli = KbliCategory.objects.filter(pk=str(change.get("kbli_category") or "")[:1]).first()
    if kelurahan is None or kbli is None:
        raise Refused("invalid", _("Pilih kelurahan dan kategori usaha."))
    nik = str(change.get("nik") or "").strip()
    if nik:
        try:
            nik = parse_nik(nik).nik
        except ValidationError as exc:
            raise Refused("invalid", " ".join(exc.messages)) from exc
        if Owner.objects.filter(nik=nik).exists():
            raise Refused(
                "refused", _("NIK ini sudah terdaftar; catat sebagai peserta datang langsung dengan NIK.")
            )
    owner = registry_services.owner_create(
        by=by, name=owner_name, nik=nik or None, phone=str(change.get("phone") or "").strip()
    )
    business = registry_services.business_create(
        by=by,
        owner=owner,
        # Not checked by anyone yet: it waits in the verification queue, marked as from the field.
        source=BusinessSource.FIELD,
        name=business_name,
        kelurahan=kelurahan,
        kbli_category=kbli,
    )
    return _attend(activity, business, by)


APPLY = {"status": _status, "walkin": _walkin, "registration": _registration}


def _bad(key: str, message: str) -> dict[str, Any]:
    return {"key": key, "outcome": "conflict", "reason": "invalid", "message": message}


def change_apply(*, activity: Activity, change: Any, by: User) -> dict[str, Any]:
    """Apply one queued change, or answer what stopped it; the same key twice is applied once."""
    if not isinstance(change, dict):
        return _bad("", _("Perubahan tidak terbaca."))
    key = str(change.get("key") or "")
    kind = change.get("kind")
    if not 8 <= len(key) <= 64 or not key.replace("-", "").isalnum() or not key.isascii():
        return _bad(key[:64], _("Perubahan tanpa kunci yang sah."))
    if kind not in KINDS:
        return _bad(key, _("Jenis perubahan tidak dikenal."))
    done = OfflineChange.objects.filter(key=key).first()
    if done is not None:
        if done.user_id != by.pk or done.activity_id != activity.pk:
            return _bad(key, _("Kunci perubahan ini sudah dipakai untuk data lain."))
        return done.result
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    participation = APPLY[kind](activity, change, by)
            except Refused as refused:
                result = {
                    "key": key,
                    "outcome": "conflict",
                    "reason": refused.reason,
                    "message": refused.message,
                    **refused.extra,
                }
            except ValidationError as exc:
                # The services' own rules: a cancelled activity, a closed year, capacity, …
                result = {
                    "key": key,
                    "outcome": "conflict",
                    "reason": "refused",
                    "message": " ".join(exc.messages),
                }
            else:
                result = {"key": key, "outcome": "ok", "participant": participant_row(participation)}
            OfflineChange.objects.create(key=key, user=by, activity=activity, kind=kind, result=result)
    except IntegrityError:
        # The same key sent twice at once: the other request applied it.
        done = OfflineChange.objects.filter(key=key, user=by, activity=activity).first()
        if done is None:
            return _bad(key, _("Kunci perubahan ini sudah dipakai untuk data lain."))
        return done.result
    return result


def changes_apply(*, activity: Activity, changes: list, by: User) -> list[dict[str, Any]]:
    return [change_apply(activity=activity, change=change, by=by) for change in changes]
