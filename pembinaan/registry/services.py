"""Registry workflows: creating and changing owners and businesses, status moves, duplicates, merge.

Views, the importer and management commands all call these, so every entry path follows the same
rules (docs/rules.md rules 1–5). Each function is atomic and raises ValidationError with field keys.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from pembinaan.accounts.models import User
from pembinaan.lib.bulk_insert import insert_columns
from pembinaan.lib.identifiers import parse_nik, parse_phone
from pembinaan.registry import notices
from pembinaan.registry.matching import business_flag_duplicates
from pembinaan.registry.models import (
    Business,
    BusinessSource,
    BusinessStatus,
    DuplicatePair,
    NikAccessLog,
    Owner,
    StatusChange,
    first_status,
    owner_fields_from_nik,
)
from pembinaan.registry.signals import announce_businesses_changed

S = BusinessStatus

# Allowed moves of docs/rules.md rule 1. A rejected record may be corrected and submitted again;
# a closed business may be reopened by staff.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.VERIFIED, S.REJECTED},
    S.REJECTED: {S.SUBMITTED},
    S.VERIFIED: {S.INACTIVE},
    S.INACTIVE: {S.VERIFIED},
}

OWNER_FIELDS = ("nik", "name", "gender", "birth_date", "phone", "email", "address")
BUSINESS_FIELDS = (
    "name",
    "kelurahan",
    "address",
    "kbli_category",
    "kbli_code",
    "nib",
    "npwp",
    "start_year",
    "employees",
    "annual_sales",
    "capital",
    "products",
    "marketplace_url",
    "social_media_url",
    "website_url",
    "certifications",
)


def _apply_nik(owner: Owner) -> None:
    """Gender and birth date follow from the NIK (rule 3); the NIK wins over typed values."""
    owner.nik = owner.nik or None
    if owner.phone:
        try:
            owner.phone = parse_phone(owner.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    if owner.nik:
        try:
            info = parse_nik(owner.nik)
        except ValidationError as exc:
            raise ValidationError({"nik": exc.messages}) from exc
        for name, value in owner_fields_from_nik(info).items():
            setattr(owner, name, value)


def _save_owner(owner: Owner) -> None:
    _apply_nik(owner)
    owner.full_clean(exclude=["user", "merged_into", "created_by"], validate_unique=False)
    try:
        # A savepoint, so that a lost race on the unique NIK leaves the outer transaction usable.
        with transaction.atomic():
            owner.save()
    except IntegrityError as exc:
        if owner.nik and Owner.objects.filter(nik=owner.nik).exclude(pk=owner.pk).exists():
            raise ValidationError({"nik": _("NIK ini sudah terdaftar atas pelaku usaha lain.")}) from exc
        raise


@transaction.atomic
def owner_create(*, by: User | None, **fields: Any) -> Owner:
    owner = Owner(created_by=by, **{k: v for k, v in fields.items() if k in OWNER_FIELDS})
    if owner.nik and Owner.objects.filter(nik=owner.nik).exists():
        raise ValidationError({"nik": _("NIK ini sudah terdaftar atas pelaku usaha lain.")})
    _save_owner(owner)
    return owner


@transaction.atomic
def owner_update(*, owner: Owner, by: User | None, **fields: Any) -> Owner:
    for key, value in fields.items():
        if key in OWNER_FIELDS:
            setattr(owner, key, value)
    owner._history_user = by
    _save_owner(owner)
    for business in owner.businesses.active():
        business_flag_duplicates(business=business)
    # The owner's gender (from the NIK) is a dashboard breakdown.
    announce_businesses_changed(owner.businesses.values_list("pk", flat=True))
    return owner


def _record_status(business: Business, *, to: str, by: User | None, reason: str = "") -> None:
    StatusChange.objects.create(
        business=business, from_status=business.status, to_status=to, reason=reason, changed_by=by
    )
    business.status = to
    business.status_reason = reason
    business.status_changed_at = timezone.now()


def _save_business(business: Business) -> None:
    business.full_clean(exclude=["owner", "merged_into", "created_by"], validate_unique=False)
    try:
        with transaction.atomic():
            business.save()
    except IntegrityError as exc:
        if business.nib and Business.objects.filter(nib=business.nib).exclude(pk=business.pk).exists():
            raise ValidationError({"nib": _("NIB ini sudah terdaftar atas usaha lain.")}) from exc
        raise


@transaction.atomic
def business_create(
    *,
    by: User | None,
    owner: Owner,
    source: str = BusinessSource.STAFF,
    **fields: Any,
) -> Business:
    """A business entered by staff is verified at entry; a self-registration arrives submitted."""
    business = Business(
        owner=owner,
        source=source,
        created_by=by,
        **{k: v for k, v in fields.items() if k in BUSINESS_FIELDS},
    )
    business.nib = business.nib or None
    if business.nib and Business.objects.filter(nib=business.nib).exists():
        raise ValidationError({"nib": _("NIB ini sudah terdaftar atas usaha lain.")})
    initial = first_status(source)
    business.status = initial
    business.status_changed_at = timezone.now()
    business._history_user = by
    _save_business(business)
    StatusChange.objects.create(business=business, from_status="", to_status=initial, changed_by=by)
    business_flag_duplicates(business=business)
    return business


@transaction.atomic
def business_update(*, business: Business, by: User | None, **fields: Any) -> Business:
    for key, value in fields.items():
        if key in BUSINESS_FIELDS:
            setattr(business, key, value)
    business.nib = business.nib or None
    business._history_user = by
    _save_business(business)
    business_flag_duplicates(business=business)
    announce_businesses_changed([business.pk])  # kelurahan, KBLI and scale are dashboard breakdowns
    return business


def _transition(business: Business, *, to: str, by: User | None, reason: str = "") -> Business:
    # Lock the row: two staff members acting on one record at once must not both succeed.
    locked = Business.objects.select_for_update().get(pk=business.pk)
    if locked.merged_into_id:
        raise ValidationError(_("Usaha ini sudah digabung ke data lain; ubah data yang dipertahankan."))
    if to not in TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            _("Status %(from)s tidak dapat diubah menjadi %(to)s.")
            % {"from": locked.get_status_display(), "to": BusinessStatus(to).label}
        )
    _record_status(locked, to=to, by=by, reason=reason)
    locked._history_user = by
    locked.save(update_fields=["status", "status_reason", "status_changed_at"])
    announce_businesses_changed([locked.pk])  # only verified (or later closed) businesses count
    return locked


@transaction.atomic
def business_submit(*, business: Business, by: User | None) -> Business:
    return _transition(business, to=S.SUBMITTED, by=by)


@transaction.atomic
def business_verify(*, business: Business, by: User) -> Business:
    business = _transition(business, to=S.VERIFIED, by=by)
    notices.business_status_changed(business)  # sent after commit, only when the owner gave an email
    return business


@transaction.atomic
def business_reject(*, business: Business, by: User, reason: str) -> Business:
    if not reason.strip():
        raise ValidationError({"reason": _("Tuliskan alasan penolakan; pemilik usaha akan membacanya.")})
    business = _transition(business, to=S.REJECTED, by=by, reason=reason.strip())
    notices.business_status_changed(business)
    return business


@transaction.atomic
def business_deactivate(*, business: Business, by: User, reason: str) -> Business:
    if not reason.strip():
        raise ValidationError({"reason": _("Tuliskan alasan usaha dinonaktifkan.")})
    return _transition(business, to=S.INACTIVE, by=by, reason=reason.strip())


@transaction.atomic
def business_reactivate(*, business: Business, by: User) -> Business:
    return _transition(business, to=S.VERIFIED, by=by)


# --- Duplicates -------------------------------------------------------------------------------


@transaction.atomic
def duplicate_dismiss(*, pair: DuplicatePair, by: User) -> DuplicatePair:
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != DuplicatePair.Status.OPEN:
        raise ValidationError(
            _("Pasangan ini sudah ditinjau (%(status)s).") % {"status": pair.get_status_display()}
        )
    pair.status = DuplicatePair.Status.DISMISSED
    pair.resolved_by = by
    pair.resolved_at = timezone.now()
    pair.save(update_fields=["status", "resolved_by", "resolved_at"])
    return pair


def _move_related(model, *, keep, remove, skip: set, by: User | None) -> None:
    """Point every row that refers to `remove` at `keep`, for all models, current and future.

    Rows of audited models are saved one by one so that their history shows who moved them.
    A model whose rows may collide when moved (e.g. one participation per business and activity)
    defines `merge_rows(keep=…, remove=…, field=…, by=…)` and resolves the collision itself.
    """
    for relation in model._meta.related_objects:
        related = relation.related_model
        if related in skip or issubclass(related, HistoricalChanges):
            continue
        if relation.many_to_many or relation.one_to_one:
            continue
        field = relation.field.name
        merge_rows = getattr(related, "merge_rows", None)
        if merge_rows is not None:
            merge_rows(keep=keep, remove=remove, field=field, by=by)
        elif hasattr(related, "history"):
            for row in related._default_manager.filter(**{field: remove}):
                setattr(row, field, keep)
                row._history_user = by
                row.save(update_fields=[field])
        else:
            related._default_manager.filter(**{field: remove}).update(**{field: keep})


def _fill_blanks(keep, remove, fields: tuple[str, ...], unique: tuple[str, ...]) -> list[str]:
    """Copy into `keep` what only `remove` knows; unique values are freed on `remove` first."""
    filled = []
    for name in fields:
        if getattr(keep, name) in (None, "", []) and getattr(remove, name) not in (None, "", []):
            filled.append(name)
    freed = [name for name in filled if name in unique]
    if freed:
        type(remove).objects.filter(pk=remove.pk).update(**{name: None for name in freed})
    for name in filled:
        setattr(keep, name, getattr(remove, name))
        if name in unique:
            setattr(remove, name, None)
    return filled


@transaction.atomic
def owner_merge(*, keep: Owner, remove: Owner, by: User) -> Owner:
    """Merge two owner records: all businesses move to `keep`; `remove` stays as an audit trail."""
    keep = Owner.objects.select_for_update().get(pk=keep.pk)
    remove = Owner.objects.select_for_update().get(pk=remove.pk)
    if keep.pk == remove.pk:
        raise ValidationError(_("Tidak dapat menggabungkan data dengan dirinya sendiri."))
    if keep.merged_into_id or remove.merged_into_id:
        raise ValidationError(_("Salah satu data pelaku usaha sudah digabung sebelumnya."))
    if keep.user_id and remove.user_id:
        raise ValidationError(
            _("Kedua pelaku usaha punya akun masing-masing; nonaktifkan salah satu akun dulu.")
        )
    _move_related(Owner, keep=keep, remove=remove, skip={Owner}, by=by)
    _fill_blanks(keep, remove, OWNER_FIELDS, unique=("nik",))
    if remove.user_id and not keep.user_id:
        keep.user_id, remove.user_id = remove.user_id, None
    remove.merged_into = keep
    remove._history_user = by
    remove.save()
    keep._history_user = by
    keep.save()
    announce_businesses_changed(
        Business.objects.filter(owner__in=[keep, remove]).values_list("pk", flat=True)
    )
    return keep


@transaction.atomic
def business_merge(*, keep: Business, remove: Business, by: User, merge_owners: bool = False) -> Business:
    """Merge two business records, keeping every participation, outcome and change (rule 2).

    The removed record stays, marked as merged into the kept one, so that its history and its
    status timeline remain readable; it never counts anywhere again.
    """
    keep = Business.objects.select_for_update().get(pk=keep.pk)
    remove = Business.objects.select_for_update().get(pk=remove.pk)
    if keep.pk == remove.pk:
        raise ValidationError(_("Tidak dapat menggabungkan data dengan dirinya sendiri."))
    if keep.merged_into_id or remove.merged_into_id:
        raise ValidationError(_("Salah satu usaha sudah digabung sebelumnya."))
    if merge_owners and keep.owner_id != remove.owner_id:
        owner_merge(keep=keep.owner, remove=remove.owner, by=by)
        keep.refresh_from_db()
        remove.refresh_from_db()
    _move_related(Business, keep=keep, remove=remove, skip={Business, StatusChange, DuplicatePair}, by=by)
    filled = _fill_blanks(keep, remove, BUSINESS_FIELDS, unique=("nib",))
    # Stored notes are written in the portal's own language, whatever the staff member's choice.
    with translation.override(settings.LANGUAGE_CODE):
        # Verified wins: merging must never un-verify a record that staff already checked.
        if keep.status != S.VERIFIED and remove.status == S.VERIFIED:
            _record_status(keep, to=S.VERIFIED, by=by, reason=_("Status dari data yang digabung"))
        StatusChange.objects.create(
            business=remove,
            from_status=remove.status,
            to_status=remove.status,
            reason=_("Digabung ke usaha #%(pk)s (%(name)s)") % {"pk": keep.pk, "name": keep.name},
            changed_by=by,
        )
        labels = [str(Business._meta.get_field(name).verbose_name) for name in filled]
        StatusChange.objects.create(
            business=keep,
            from_status=keep.status,
            to_status=keep.status,
            reason=_("Menerima data dari usaha #%(pk)s (%(name)s)%(filled)s")
            % {"pk": remove.pk, "name": remove.name, "filled": (": " + ", ".join(labels)) if labels else ""},
            changed_by=by,
        )
    remove.merged_into = keep
    remove._history_user = by
    remove.save()
    keep._history_user = by
    keep.save()
    now = timezone.now()
    DuplicatePair.objects.filter(
        Q(business_a=remove) | Q(business_b=remove), status=DuplicatePair.Status.OPEN
    ).update(status=DuplicatePair.Status.MERGED, resolved_by=by, resolved_at=now)
    business_flag_duplicates(business=keep)
    announce_businesses_changed([keep.pk, remove.pk])  # merged-away records never count
    return keep


# --- Personal data ----------------------------------------------------------------------------


def nik_access_record(*, user: User, owners: list[Owner], purpose: str = NikAccessLog.Purpose.VIEW) -> None:
    """Log that `user` saw or exported these owners' full NIKs (docs/rules.md rule 10)."""
    NikAccessLog.objects.bulk_create(
        [NikAccessLog(user=user, owner=owner, purpose=purpose) for owner in owners if owner.nik]
    )


def nik_access_record_many(*, user: User, owner_ids: list[int], purpose: str) -> None:
    """`nik_access_record` for the owners of an export, by id, in one INSERT built by the database.

    The caller passes only owners whose full NIK the file shows (an owner without a NIK has none to
    log): a list export reads ids and NIKs, not owners, and a model instance per row would cost
    more than the rest of the log (docs/rules.md rule 10).
    """
    insert_columns(
        NikAccessLog,
        {"owner_id": owner_ids},
        same={"user_id": user.pk, "purpose": purpose},
        now=timezone.now(),
    )


def nik_access_record_query(*, user: User, owner_ids: QuerySet, purpose: str) -> None:
    """`nik_access_record_many` for owner ids the database selects itself (`owner_ids`, a values
    list of one column, each id once): one INSERT … SELECT, no id travels to Python and back.

    An export calls it before reading its rows, so both must read the same snapshot of the data
    (`pembinaan.lib.exports.one_snapshot`), or an owner added in between would be exported unlogged.
    """
    sql, params = owner_ids.query.sql_with_params()
    table = connection.ops.quote_name(NikAccessLog._meta.db_table)
    columns = ", ".join(map(connection.ops.quote_name, ("user_id", "purpose", "accessed_at", "owner_id")))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT %s, %s, %s, q.* FROM ({sql}) q",  # noqa: S608
            (user.pk, purpose, connection.ops.adapt_datetimefield_value(timezone.now()), *params),
        )
