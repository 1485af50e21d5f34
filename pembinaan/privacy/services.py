"""Personal-data workflows (UU 27/2022 PDP, docs/rules.md rule 10): withdrawal of consent, erasure.

An owner's business with coaching history is anonymised, not deleted: the coached count the
council watches must stay true (rule 10). Identity goes; kelurahan, category, scale, start year,
status and the owner's gender stay, because the dashboard's breakdowns are built from them.

A claimant (issue 14) has the same rights over what they typed while their claim waits for proof.
Their requests are kept on the claim, never on the claimed record (whose owner they may not be);
once the claim is proven they count as the record's (selectors.requests_of). A claim is left
pending by them: stopping it would tell the claimant that the record existed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.coaching.models import FiguresSnapshot
from pembinaan.enrolment import consent
from pembinaan.enrolment.models import ClaimRequest
from pembinaan.notifications.models import OutboxMessage
from pembinaan.ownerspace.models import BusinessProfile, ChangeRequest
from pembinaan.ownerspace.services import profile_unpublish_all
from pembinaan.privacy.models import AuditEntry, DataRequest, NoticePreference
from pembinaan.privacy.selectors import request_subject_owner, requests_of
from pembinaan.registry import services as registry
from pembinaan.registry.models import Business, Owner

K, St, A = DataRequest.Kind, DataRequest.Status, AuditEntry.Action


def _open_request(
    *, owner: Owner | None = None, claim: ClaimRequest | None = None, kind: str, by: User, note: str
) -> DataRequest:
    if requests_of(owner=owner, claim=claim).filter(kind=kind, status=St.OPEN).exists():
        raise ValidationError(_("Permintaan serupa sudah diajukan dan sedang menunggu diproses."))
    label = f"#{owner.pk}" if owner is not None else _("klaim #%(pk)s") % {"pk": claim.pk}
    try:
        with transaction.atomic():
            request = DataRequest.objects.create(
                owner=owner, claim=claim, owner_label=label, kind=kind, note=note.strip(), requested_by=by
            )
    except IntegrityError as exc:  # two clicks at once: the constraint lets one through
        raise ValidationError(_("Permintaan serupa sudah diajukan dan sedang menunggu diproses.")) from exc
    AuditEntry.objects.create(request=request, action=A.REQUESTED, actor=by)
    return request


def _refuse_second_withdrawal(*, owner: Owner | None = None, claim: ClaimRequest | None = None) -> None:
    withdrawn = (
        consent.consent_withdrawn(owner) if owner is not None else consent.claim_consent_withdrawn(claim)
    )
    if withdrawn:
        raise ValidationError(_("Anda sudah menarik persetujuan sebelumnya."))


def _record_withdrawal(request: DataRequest, *, by: User, hidden: int) -> None:
    AuditEntry.objects.create(
        request=request,
        action=A.CONSENT_WITHDRAWN,
        actor=by,
        detail=_("%(n)s profil publik disembunyikan") % {"n": hidden},
    )


@transaction.atomic
def consent_withdraw(*, owner: Owner, by: User, note: str = "") -> DataRequest:
    """Withdrawal takes effect at once: it is recorded, and the public profiles are taken down."""
    _refuse_second_withdrawal(owner=owner)
    request = _open_request(owner=owner, kind=K.CONSENT_WITHDRAWAL, by=by, note=note)
    _record_withdrawal(request, by=by, hidden=profile_unpublish_all(owner=owner))
    return request


@transaction.atomic
def claim_consent_withdraw(*, claim: ClaimRequest, by: User, note: str = "") -> DataRequest:
    """A claimant withdraws the consent they gave when registering; recorded, effective at once.

    They have no public profile to take down. Should the claim be proven later, the withdrawal
    holds for the record they then own (enrolment.consent.consent_withdrawn), as for anyone else.
    """
    claim = ClaimRequest.objects.select_for_update().get(pk=claim.pk)
    _refuse_second_withdrawal(claim=claim)
    request = _open_request(claim=claim, kind=K.CONSENT_WITHDRAWAL, by=by, note=note)
    _record_withdrawal(request, by=by, hidden=0)
    return request


@transaction.atomic
def deletion_request(*, owner: Owner, by: User, note: str = "") -> DataRequest:
    request = _open_request(owner=owner, kind=K.DELETION, by=by, note=note)
    # What the public sees goes at once; the rest waits for staff, who check what law keeps.
    profile_unpublish_all(owner=owner)
    return request


@transaction.atomic
def claim_deletion_request(*, claim: ClaimRequest, by: User, note: str = "") -> DataRequest:
    """A claimant asks for what they typed to be erased; staff carry it out (request_process)."""
    claim = ClaimRequest.objects.select_for_update().get(pk=claim.pk)
    return _open_request(claim=claim, kind=K.DELETION, by=by, note=note)


def _check_channel(channel: str, *, email: str | None, phone: str | None) -> None:
    """A channel needs an address to send to."""
    if channel not in NoticePreference.Channel.values:
        raise ValidationError({"channel": _("Pilih email atau WhatsApp.")})
    if channel == NoticePreference.Channel.EMAIL and not email:
        raise ValidationError(
            {"channel": _("Belum ada alamat email Anda di portal. Minta petugas Dinas menambahkannya.")}
        )
    if channel == NoticePreference.Channel.WHATSAPP and not phone:
        raise ValidationError(
            {"channel": _("Belum ada nomor HP Anda di portal. Minta petugas Dinas menambahkannya.")}
        )


def notice_preference_set(*, owner: Owner, channel: str) -> NoticePreference:
    """The owner's choice of channel for the portal's notices."""
    _check_channel(channel, email=owner.email, phone=owner.phone)
    preference, _created = NoticePreference.objects.update_or_create(
        owner=owner, defaults={"channel": channel}
    )
    return preference


def account_notice_preference_set(*, user: User, channel: str) -> NoticePreference:
    """A claimant's choice, kept for their account (no owner record is theirs yet).

    The addresses are the account's, which are those they registered with; once the claim links
    the record, the choice follows the account there (selectors.notice_channel).
    """
    _check_channel(channel, email=user.email, phone=user.phone)
    preference, _created = NoticePreference.objects.update_or_create(user=user, defaults={"channel": channel})
    return preference


def _locked_open(request: DataRequest) -> DataRequest:
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != St.OPEN:
        raise ValidationError(_("Permintaan ini sudah diproses."))
    return request


def _close(request: DataRequest, *, by: User, status: str, response: str) -> None:
    request.status, request.response = status, response.strip()
    request.decided_by, request.decided_at = by, timezone.now()
    request.save(update_fields=["status", "response", "decided_by", "decided_at"])


@transaction.atomic
def request_process(*, request: DataRequest, by: User, response: str = "") -> DataRequest:
    """Carry out a request: erase the owner's data, or confirm that processing has stopped.

    A claimant's deletion erases the record they hold by then if the claim was proven meanwhile,
    else the claim and what they typed.
    """
    request = _locked_open(request)
    if request.kind == K.DELETION:
        owner = request_subject_owner(request)
        if owner is not None:
            done = owner_erase(owner=owner, by=by)
        elif request.claim_id:
            done = claim_erase(claim=request.claim)
        else:
            done = []
        for action, detail in done:
            AuditEntry.objects.create(request=request, action=action, actor=by, detail=detail)
    _close(request, by=by, status=St.DONE, response=response)
    AuditEntry.objects.create(request=request, action=A.PROCESSED, actor=by, detail=response.strip())
    return request


@transaction.atomic
def request_refuse(*, request: DataRequest, by: User, response: str) -> DataRequest:
    if not response.strip():
        raise ValidationError({"response": _("Tuliskan alasan penolakan; pemilik data akan membacanya.")})
    request = _locked_open(request)
    _close(request, by=by, status=St.REFUSED, response=response)
    AuditEntry.objects.create(request=request, action=A.REFUSED, actor=by, detail=response.strip())
    return request


def has_coaching_history(business: Business) -> bool:
    return (
        business.participations.exists()
        or business.outcomes.exists()
        or business.capital_assistance.exists()
        or business.merged_businesses.exists()
    )


def _forget_history(model, pk: int) -> None:
    """Old versions hold the very data being erased; only the newest (anonymised) version stays."""
    versions = model.history.filter(id=pk).order_by("-history_date", "-history_id")
    newest = versions.values_list("history_id", flat=True).first()
    versions.exclude(history_id=newest).delete()


def _delete_profile(business: Business) -> None:
    profile = BusinessProfile.objects.filter(business=business).first()
    if profile is None:
        return
    if profile.photo:
        name, storage = profile.photo.name, profile.photo.storage
        transaction.on_commit(lambda: storage.delete(name))
    profile.delete()


def _anonymise_business(business: Business, *, by: User) -> None:
    registry.business_update(
        business=business,
        by=by,
        name=_("Usaha dianonimkan #%(pk)s") % {"pk": business.pk},
        address="",
        nib=None,
        npwp="",
        products="",
        marketplace_url="",
        social_media_url="",
        website_url="",
    )
    _forget_history(Business, business.pk)


def _delete_business(business: Business) -> bool:
    """Delete a business without coaching history; False when another record still needs it."""
    pk = business.pk
    try:
        with transaction.atomic():
            FiguresSnapshot.objects.filter(business=business).delete()
            business.delete()
    except ProtectedError:
        return False
    Business.history.filter(id=pk).delete()
    FiguresSnapshot.history.filter(business_id=pk).delete()
    return True


def _close_account(user: User) -> None:
    # The account cannot be deleted (audit rows point at it); it is emptied and locked instead.
    user.full_name = ""
    user.email = f"dihapus-{user.pk}@akun-dihapus.invalid"
    user.phone = None
    user.is_active = False
    user.set_unusable_password()
    user.save()


def claim_erase(*, claim: ClaimRequest) -> list[tuple[str, str]]:
    """Erase what a claimant typed and close their account; the claimed record is not theirs and
    stays as it is. Returns (audit action, detail) for each record touched, as owner_erase does."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=claim.user_id)
        ids = list(ClaimRequest.objects.filter(user=user).order_by("pk").values_list("pk", flat=True))
        ClaimRequest.objects.filter(pk__in=ids).delete()
        ClaimRequest.history.filter(id__in=ids).delete()
        NoticePreference.objects.filter(user=user).delete()
        # The stored messages to this person hold the values being erased (by email, as owner_erase
        # does: an unconfirmed number may be shared with another account, whose messages stay).
        if user.email:
            OutboxMessage.objects.filter(recipient__iexact=user.email).delete()
        _close_account(user)
        return [(A.DELETED, _("klaim #%(pk)s") % {"pk": pk}) for pk in ids]


def owner_erase(*, owner: Owner, by: User) -> list[tuple[str, str]]:
    """Erase an owner per rule 10; returns (audit action, detail) for each record touched."""
    with transaction.atomic():
        owner = Owner.objects.select_for_update().get(pk=owner.pk)
        done: list[tuple[str, str]] = []
        keep_owner = owner.merged_owners.exists()  # PROTECT: they point at this record
        # Requested identity changes, claims on this record or by this account, and the stored
        # messages to this person hold the very values being erased.
        ChangeRequest.objects.filter(business__owner=owner).delete()
        claims = ClaimRequest.objects.filter(Q(owner=owner) | Q(user_id=owner.user_id, user__isnull=False))
        claim_ids = list(claims.values_list("pk", flat=True))
        claims.delete()
        ClaimRequest.history.filter(id__in=claim_ids).delete()
        if owner.email:
            OutboxMessage.objects.filter(recipient__iexact=owner.email).delete()
        for business in Business.objects.filter(owner=owner).order_by("pk"):
            _delete_profile(business)
            label = _("usaha #%(pk)s") % {"pk": business.pk}
            if not has_coaching_history(business) and _delete_business(business):
                done.append((A.DELETED, label))
            else:
                _anonymise_business(business, by=by)
                keep_owner = True
                done.append((A.ANONYMISED, label))
        user = owner.user
        if user is not None:
            owner.user = None
            owner.save(update_fields=["user", "updated_at"])
            _close_account(user)
        # Records merged into this one hold the same person's older data.
        for merged in owner.merged_owners.all():
            _anonymise_owner(merged, by=by)
            done.append((A.ANONYMISED, _("pelaku usaha #%(pk)s") % {"pk": merged.pk}))
        label = _("pelaku usaha #%(pk)s") % {"pk": owner.pk}
        if not keep_owner and _delete_owner(owner):
            done.append((A.DELETED, label))
        else:
            _anonymise_owner(owner, by=by)
            done.append((A.ANONYMISED, label))
        return done


def _anonymise_owner(owner: Owner, *, by: User) -> None:
    # Gender stays: it is a dashboard breakdown of the businesses that still count.
    registry.owner_update(
        owner=owner,
        by=by,
        nik=None,
        name=_("Pelaku usaha dianonimkan #%(pk)s") % {"pk": owner.pk},
        phone="",
        email="",
        address="",
        birth_date=None,
    )
    _forget_history(Owner, owner.pk)


def _delete_owner(owner: Owner) -> bool:
    pk = owner.pk
    try:
        with transaction.atomic():
            owner.delete()
    except ProtectedError:
        return False
    Owner.history.filter(id=pk).delete()
    return True
