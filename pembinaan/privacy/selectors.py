"""What the portal holds about one owner, as plain JSON values ("Data Saya", docs/rules.md rule 10)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from pembinaan.coaching.models import FiguresSnapshot, Outcome, Participation
from pembinaan.enrolment import consent
from pembinaan.enrolment.models import ClaimRequest
from pembinaan.funding.models import CapitalAssistance
from pembinaan.ownerspace.models import BusinessProfile, ChangeRequest
from pembinaan.privacy.models import DataRequest, NoticePreference
from pembinaan.reference.models import KbliCategory, Kelurahan
from pembinaan.registry.models import Business, BusinessStatus, Owner, StatusChange


def _of_owner(owner: Owner) -> Q:
    """The owner's requests, with those their account made as a claimant before the claim was
    proven: they are the same person's, and a withdrawal of consent must not be lost by approval."""
    mine = Q(owner=owner)
    if owner.user_id:
        mine |= Q(claim__user_id=owner.user_id, claim__status=ClaimRequest.Status.APPROVED)
    return mine


def requests_of(*, owner: Owner | None = None, claim: ClaimRequest | None = None) -> QuerySet[DataRequest]:
    """The requests about an owner (see _of_owner), or those a claimant made on their claim."""
    return DataRequest.objects.filter(_of_owner(owner) if owner is not None else Q(claim=claim))


def withdrawal_on_record(*, owner: Owner | None = None, claim: ClaimRequest | None = None) -> bool:
    """Whether the owner (see _of_owner) or the claimant withdrew consent: a withdrawal not refused.

    Registered at start-up as the answer of enrolment.consent.consent_withdrawn, which every part
    that must stop on a withdrawal reads (the reminder, the public profile, Data Saya): read that.
    """
    return (
        requests_of(owner=owner, claim=claim)
        .filter(kind=DataRequest.Kind.CONSENT_WITHDRAWAL)
        .exclude(status=DataRequest.Status.REFUSED)
        .exists()
    )


def notice_channel(owner: Owner) -> str:
    """The owner's chosen channel for notices ("email", "whatsapp"), or "" when they never chose.

    A choice made on the account while it was a claimant counts once the claim links the record.
    """
    mine = Q(owner=owner) | Q(user_id=owner.user_id) if owner.user_id else Q(owner=owner)
    # The owner's own choice first (a NULL owner sorts first ascending on SQLite, last on PostgreSQL).
    choices = NoticePreference.objects.filter(mine).order_by(F("owner").desc(nulls_last=True))
    return choices.values_list("channel", flat=True).first() or ""


def account_notice_channel(user) -> str:
    """A claimant's chosen channel, kept for their account until the claim is proven; "" if none."""
    return NoticePreference.objects.filter(user=user).values_list("channel", flat=True).first() or ""


def owner_requests(owner: Owner) -> QuerySet[DataRequest]:
    return requests_of(owner=owner).order_by("-requested_at", "-pk")


def claim_requests(claim: ClaimRequest) -> QuerySet[DataRequest]:
    return requests_of(claim=claim).order_by("-requested_at", "-pk")


def request_subject_owner(request: DataRequest) -> Owner | None:
    """The owner record a request is about: its own, or the one a claimant's account now holds
    (the claim was proven after the request was made); None while a claim waits or after erasure."""
    if request.owner_id:
        return request.owner
    if request.claim_id and request.claim.status == ClaimRequest.Status.APPROVED:
        return Owner.objects.active().filter(user_id=request.claim.user_id).first()
    return None


def _local(value):
    """Dates stay dates (the page formats them, the JSON encoder writes ISO 8601); times in WITA."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value)
    return value


def _label(model, field: str, value) -> Any:
    choices = dict(model._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))


def owner_data(owner: Owner) -> dict[str, Any]:
    """Everything about `owner` and their businesses, in a fixed number of queries.

    Only rows reached from this owner are read, so nothing of another owner can slip in.
    """
    businesses = list(
        Business.objects.filter(owner=owner)
        .select_related("kelurahan__kecamatan", "kbli_category")
        .defer("kelurahan__boundary")
    )
    ids = [b.pk for b in businesses]
    by_business: dict[int, dict[str, list]] = {
        pk: {
            "status": [],
            "participations": [],
            "outcomes": [],
            "assistance": [],
            "figures": [],
            "changes": [],
        }
        for pk in ids
    }
    for s in StatusChange.objects.filter(business_id__in=ids).order_by("changed_at", "pk"):
        by_business[s.business_id]["status"].append(
            {
                "at": _local(s.changed_at),
                "from": s.from_status,
                "to": s.to_status,
                "to_label": _label(StatusChange, "to_status", s.to_status),
                "reason": s.reason,
            }
        )
    for p in Participation.objects.filter(business_id__in=ids).select_related("activity__coaching_type"):
        by_business[p.business_id]["participations"].append(
            {
                "activity": p.activity.title,
                "type": p.activity.coaching_type.name,
                "start_date": _local(p.activity.start_date),
                "end_date": _local(p.activity.end_date),
                "venue": p.activity.venue,
                "status": p.status,
                "status_label": _label(Participation, "status", p.status),
            }
        )
    for o in Outcome.objects.filter(business_id__in=ids).select_related("outcome_type", "activity"):
        by_business[o.business_id]["outcomes"].append(
            {
                "type": o.outcome_type.name,
                "achieved_on": _local(o.achieved_on),
                "activity": o.activity.title if o.activity else None,
                "reference_number": o.reference_number,
                "institution": o.institution,
                "amount": o.amount,
                "note": o.note,
            }
        )
    for g in CapitalAssistance.objects.filter(business_id__in=ids).select_related("budget_line__source"):
        by_business[g.business_id]["assistance"].append(
            {
                "date": _local(g.date),
                "form": _label(CapitalAssistance, "form", g.form),
                "amount": g.amount,
                "description": g.description,
                "status": _label(CapitalAssistance, "status", g.status),
                "disbursed_on": _local(g.disbursed_on),
                "funding_source": g.budget_line.source.name,
            }
        )
    for f in FiguresSnapshot.objects.filter(business_id__in=ids).order_by("year"):
        by_business[f.business_id]["figures"].append(
            {
                "year": f.year,
                "recorded_on": _local(f.recorded_on),
                "annual_sales": f.annual_sales,
                "employees": f.employees,
                "assets": f.assets,
                "sells_online": f.sells_online,
            }
        )
    for c in ChangeRequest.objects.filter(business_id__in=ids):
        by_business[c.business_id]["changes"].append(
            {
                "requested_at": _local(c.requested_at),
                "changes": c.changes,
                "status": _label(ChangeRequest, "status", c.status),
                "reason": c.reason,
            }
        )
    profiles = {p.business_id: p for p in BusinessProfile.objects.filter(business_id__in=ids)}
    return {
        "generated_at": _local(timezone.now()),
        "owner": {
            "nik": owner.nik,
            "name": owner.name,
            "gender": _label(Owner, "gender", owner.gender) if owner.gender else "",
            "birth_date": _local(owner.birth_date),
            "phone": owner.phone,
            "email": owner.email,
            "address": owner.address,
            "registered_at": _local(owner.created_at),
        },
        "consent": {
            "version": owner.consent_version,
            "given_at": _local(owner.consent_at),
            "withdrawn": consent.consent_withdrawn(owner),
        },
        "businesses": [_business(b, by_business[b.pk], profiles.get(b.pk)) for b in businesses],
        "requests": _requests_json(owner_requests(owner)),
    }


def _requests_json(requests: QuerySet[DataRequest]) -> list[dict[str, Any]]:
    return [
        {
            "kind": _label(DataRequest, "kind", r.kind),
            "status": _label(DataRequest, "status", r.status),
            "requested_at": _local(r.requested_at),
            "decided_at": _local(r.decided_at),
            "note": r.note,
            "response": r.response,
        }
        for r in requests
    ]


def _business(b: Business, rows: dict[str, list], profile: BusinessProfile | None) -> dict[str, Any]:
    return {
        "id": b.pk,
        "name": b.name,
        "status": b.status,
        "status_label": b.get_status_display(),
        "status_reason": b.status_reason,
        "kelurahan": b.kelurahan.name,
        "kecamatan": b.kelurahan.kecamatan.name,
        "address": b.address,
        "kbli_category": str(b.kbli_category) if b.kbli_category else "",
        "kbli_code": b.kbli_code,
        "nib": b.nib,
        "npwp": b.npwp,
        "start_year": b.start_year,
        "employees": b.employees,
        "annual_sales": b.annual_sales,
        "capital": b.capital,
        "scale": b.get_scale_display() if b.scale else "",
        "products": b.products,
        "marketplace_url": b.marketplace_url,
        "social_media_url": b.social_media_url,
        "website_url": b.website_url,
        "certifications": b.certification_labels(),
        "registered_at": _local(b.created_at),
        "public_profile": (
            {
                "is_public": profile.is_public,
                "contact_shown": profile.get_contact_display(),
                "description": profile.description,
                "has_photo": bool(profile.photo),
            }
            if profile
            else None
        ),
        "status_timeline": rows["status"],
        "participations": rows["participations"],
        "outcomes": rows["outcomes"],
        "capital_assistance": rows["assistance"],
        "yearly_figures": rows["figures"],
        "change_requests": rows["changes"],
    }


def claimant_data(claim: ClaimRequest) -> dict[str, Any]:
    """What a claimant typed (their NIK/NIB was already on record), in the shape of `owner_data`.

    Until the claim is proven the account has no owner record of its own. Data Saya then shows the
    person exactly what they registered, as it shows a new registrant, and nothing of the record
    they claim: answering "not found" instead told anyone who typed a stranger's NIK that the dinas
    holds it. Their own requests about it (withdrawal, deletion) are listed as an owner's are.
    """
    typed_owner = claim.submitted.get("owner") or {}
    typed_business = claim.submitted.get("business") or {}
    owner = Owner(
        nik=typed_owner.get("nik") or None,
        name=typed_owner.get("name", ""),
        gender=typed_owner.get("gender", ""),
        phone=typed_owner.get("phone", ""),
        email=typed_owner.get("email", ""),
        address=typed_owner.get("address", ""),
        created_at=claim.created_at,
    )
    kelurahan = (
        Kelurahan.objects.select_related("kecamatan").filter(pk=typed_business.get("kelurahan_id")).first()
    )
    business = Business(
        **{key: value for key, value in typed_business.items() if key in _TYPED_BUSINESS_FIELDS},
        kelurahan=kelurahan,
        kbli_category=KbliCategory.objects.filter(pk=typed_business.get("kbli_category_id")).first(),
        status=BusinessStatus.SUBMITTED,
        created_at=claim.created_at,
    )
    empty = {
        "status": [],
        "participations": [],
        "outcomes": [],
        "assistance": [],
        "figures": [],
        "changes": [],
    }
    return {
        "generated_at": _local(timezone.now()),
        "owner": {
            "nik": owner.nik,
            "name": owner.name,
            "gender": _label(Owner, "gender", owner.gender) if owner.gender else "",
            "birth_date": None,
            "phone": owner.phone,
            "email": owner.email,
            "address": owner.address,
            "registered_at": _local(owner.created_at),
        },
        "consent": {
            "version": claim.consent_version,
            "given_at": _local(claim.consent_at),
            "withdrawn": consent.claim_consent_withdrawn(claim),
        },
        "businesses": [_business(business, empty, None)] if kelurahan else [],
        "requests": _requests_json(claim_requests(claim)),
    }


# The business fields a registration types (the rest are ids, read above).
_TYPED_BUSINESS_FIELDS = (
    "name", "address", "kbli_code", "nib", "npwp", "start_year", "employees", "annual_sales", "capital",
    "products", "marketplace_url", "social_media_url", "website_url", "certifications",
)  # fmt: skip
