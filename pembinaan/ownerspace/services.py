"""Owner-space workflows: correcting and resubmitting, editing, identity review, public profiles.

Every change to a business or an owner goes through registry services, so that the change
history, the status timeline and the dashboard aggregates stay right whoever made the change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.enrolment.consent import consent_withdrawn
from pembinaan.lib.uploads import check_upload, clean_image
from pembinaan.ownerspace.models import BusinessProfile, ChangeRequest
from pembinaan.reference.models import Kelurahan
from pembinaan.registry import services as registry
from pembinaan.registry.models import Business, BusinessStatus, Owner

S = BusinessStatus

# docs/rules.md's identity of a business: what staff checked when they verified it.
IDENTITY_FIELDS = ("name", "nib", "kelurahan")
OWNER_NIK = "owner_nik"
# Once staff verified a business, a change of identity needs their review again.
REVIEWED_STATUSES = (S.VERIFIED, S.INACTIVE)
RESUBMITTABLE_STATUSES = (S.DRAFT, S.REJECTED)
CONTACT_FIELDS = ("phone", "email", "address")
PHOTO_MAX_BYTES = 3 * 1024 * 1024


def _stored(value: Any) -> Any:
    """A value as a change request stores it (JSON): a kelurahan by its code, blanks as None."""
    if isinstance(value, Kelurahan):
        return value.pk
    return value or None


def _current(business: Business, field: str) -> Any:
    if field == OWNER_NIK:
        return business.owner.nik or None
    if field == "kelurahan":
        return business.kelurahan_id
    return _stored(getattr(business, field))


def _check_identity(business: Business, changes: dict[str, Any]) -> None:
    """Refuse now what approval would refuse later: a NIB or NIK that belongs to someone else."""
    nib = changes.get("nib")
    if nib and Business.objects.filter(nib=nib).exclude(pk=business.pk).exists():
        raise ValidationError({"nib": _("NIB ini sudah terdaftar atas usaha lain.")})
    nik = changes.get(OWNER_NIK)
    if nik and Owner.objects.filter(nik=nik).exclude(pk=business.owner_id).exists():
        raise ValidationError({OWNER_NIK: _("NIK ini sudah terdaftar atas pelaku usaha lain.")})
    if "name" in changes and not changes["name"]:
        raise ValidationError({"name": _("Nama usaha wajib diisi.")})


def _apply_now(business: Business, *, by: User | None, owner_nik: str | None, fields: dict[str, Any]) -> None:
    if owner_nik and owner_nik != business.owner.nik:
        registry.owner_update(owner=business.owner, by=by, nik=owner_nik)
    registry.business_update(business=business, by=by, **fields)


def _reviewed_business_of(owner_id: int) -> Business | None:
    return (
        Business.objects.active()
        .filter(owner=owner_id, status__in=REVIEWED_STATUSES)
        .select_related("owner")
        .order_by("pk")
        .first()
    )


def _nik_for_review(business: Business, owner_nik: str | None, *, by: User) -> ChangeRequest | None:
    """The NIK belongs to the owner: once any of their businesses is verified, a new one needs review,
    whichever business's form it was typed in. The request goes with that verified business."""
    if not owner_nik or owner_nik == business.owner.nik:
        return None
    reviewed = _reviewed_business_of(business.owner_id)
    if reviewed is None:
        return None
    _check_identity(reviewed, {OWNER_NIK: owner_nik})
    return _change_request_submit(reviewed, by=by, changes={OWNER_NIK: owner_nik})


@transaction.atomic
def business_owner_edit(
    *, business: Business, by: User, owner_nik: str | None = None, **fields: Any
) -> ChangeRequest | None:
    """An owner's edit. Identity changes of a verified business wait for staff; the rest apply now.

    Returns the change request that now waits for review, if any.
    """
    business = Business.objects.select_for_update().select_related("owner").get(pk=business.pk)
    if business.status not in REVIEWED_STATUSES:
        change = _nik_for_review(business, owner_nik, by=by)
        _apply_now(business, by=by, owner_nik=None if change else owner_nik, fields=fields)
        return change
    proposed = {name: _stored(fields.pop(name)) for name in IDENTITY_FIELDS if name in fields}
    if owner_nik:
        proposed[OWNER_NIK] = owner_nik
    identity = {name: value for name, value in proposed.items() if value != _current(business, name)}
    if identity:
        _check_identity(business, identity)
    registry.business_update(business=business, by=by, **fields)
    if not identity:
        return None
    return _change_request_submit(business, by=by, changes=identity)


def _change_request_submit(business: Business, *, by: User, changes: dict[str, Any]) -> ChangeRequest:
    previous = {name: _current(business, name) for name in changes}
    pending = ChangeRequest.objects.select_for_update().filter(
        business=business, status=ChangeRequest.Status.PENDING
    )
    request = pending.first()
    if request is None:
        return ChangeRequest.objects.create(
            business=business, changes=changes, previous=previous, requested_by=by
        )
    # A second edit before review is folded into the open request: staff review one list.
    request.changes = {**request.changes, **changes}
    request.previous = {**previous, **request.previous}
    request.requested_at = timezone.now()
    request.save(update_fields=["changes", "previous", "requested_at"])
    return request


@transaction.atomic
def business_resubmit(
    *, business: Business, by: User, owner_nik: str | None = None, **fields: Any
) -> Business:
    """Correct a draft or rejected business and send it to staff again (`diajukan`, rule 1)."""
    business = Business.objects.select_for_update().select_related("owner").get(pk=business.pk)
    if business.status not in RESUBMITTABLE_STATUSES:
        raise ValidationError(_("Hanya usaha berstatus draf atau ditolak yang dapat diajukan ulang."))
    change = _nik_for_review(business, owner_nik, by=by)
    _apply_now(business, by=by, owner_nik=None if change else owner_nik, fields=fields)
    return registry.business_submit(business=business, by=by)


@transaction.atomic
def change_request_approve(*, request: ChangeRequest, by: User) -> ChangeRequest:
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeRequest.Status.PENDING:
        raise ValidationError(_("Permintaan ini sudah diputuskan."))
    business = Business.objects.select_related("owner").get(pk=request.business_id)
    changes = dict(request.changes)
    owner_nik = changes.pop(OWNER_NIK, None)
    if "kelurahan" in changes:
        changes["kelurahan"] = Kelurahan.objects.get(pk=changes["kelurahan"])
    _apply_now(business, by=by, owner_nik=owner_nik, fields=changes)
    request.status = ChangeRequest.Status.APPROVED
    request.decided_by, request.decided_at = by, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    return request


@transaction.atomic
def change_request_refuse(*, request: ChangeRequest, by: User, reason: str) -> ChangeRequest:
    if not reason.strip():
        raise ValidationError({"reason": _("Tuliskan alasan penolakan; pemilik usaha akan membacanya.")})
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeRequest.Status.PENDING:
        raise ValidationError(_("Permintaan ini sudah diputuskan."))
    request.status = ChangeRequest.Status.REFUSED
    request.reason = reason.strip()
    request.decided_by, request.decided_at = by, timezone.now()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return request


@transaction.atomic
def owner_contact_update(*, owner: Owner, by: User, phone: str, email: str, address: str) -> Owner:
    """The owner's own contact data; the login account's email and phone stay as they are."""
    return registry.owner_update(owner=owner, by=by, phone=phone, email=email, address=address)


@transaction.atomic
def profile_update(
    *,
    business: Business,
    by: User,
    is_public: bool,
    contact: str,
    description: str = "",
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
) -> BusinessProfile:
    """Save a business's public profile: opting in needs a verified business and standing consent."""
    if is_public and business.status != S.VERIFIED:
        raise ValidationError(
            {"is_public": _("Profil hanya dapat ditampilkan untuk usaha yang sudah terverifikasi.")}
        )
    if is_public and consent_withdrawn(business.owner):
        raise ValidationError(
            {
                "is_public": _(
                    "Anda sudah menarik persetujuan pemrosesan data; profil tidak dapat ditampilkan."
                )
            }
        )
    profile, _created = BusinessProfile.objects.select_for_update().get_or_create(business=business)
    profile.is_public, profile.contact, profile.description = is_public, contact, description
    old_photo = profile.photo.name if profile.photo else ""
    if photo is not None:
        try:
            checked = check_upload(photo, max_bytes=PHOTO_MAX_BYTES)
        except ValidationError as exc:
            raise ValidationError({"photo": exc.messages}) from exc
        if not checked.content_type.startswith("image/"):
            raise ValidationError({"photo": _("Foto harus berupa gambar JPEG atau PNG.")})
        # The public sees this file: only its pixels are kept, never the uploaded bytes (GPS!).
        try:
            clean = clean_image(photo)
        except ValidationError as exc:
            raise ValidationError({"photo": exc.messages}) from exc
        profile.photo_token, profile.photo_extension = checked.token, clean.extension
        profile.photo.save(checked.token + clean.extension, clean.content, save=False)
    elif remove_photo:
        profile.photo, profile.photo_token, profile.photo_extension = "", "", ""
    profile.full_clean(exclude=["business", "photo"])
    profile.save()
    if old_photo and old_photo != profile.photo.name:
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    return profile


def profile_unpublish_all(*, owner: Owner) -> int:
    """Hide every public profile of an owner (consent withdrawn, or data about to be erased)."""
    return BusinessProfile.objects.filter(business__owner=owner, is_public=True).update(is_public=False)
