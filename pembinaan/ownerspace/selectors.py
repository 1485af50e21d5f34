"""Owner-space reads: an owner's businesses at a glance, one business in full, the public directory."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from pembinaan.coaching.models import ParticipationStatus
from pembinaan.lib.identifiers import mask_nik
from pembinaan.ownerspace.models import BusinessProfile, ChangeRequest
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.models import Business, Owner


def owner_businesses(owner: Owner) -> QuerySet[Business]:
    """The owner's businesses with what the list shows, in a fixed number of queries."""
    return (
        Business.objects.active()
        .filter(owner=owner)
        .select_related("kelurahan__kecamatan")
        .defer("kelurahan__boundary")
        .annotate(
            attended=Count("participations", filter=Q(participations__status=ParticipationStatus.ATTENDED)),
        )
        .prefetch_related(
            Prefetch(
                "change_requests",
                queryset=ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING),
                to_attr="pending_changes",
            )
        )
        .order_by("name", "pk")
    )


def change_rows(request: ChangeRequest, kelurahan_names: dict[str, str]) -> list[dict]:
    """Each requested change as label, old and new value, for the owner's and the staff's pages."""
    labels = {
        "name": Business._meta.get_field("name").verbose_name,
        "nib": Business._meta.get_field("nib").verbose_name,
        "kelurahan": Business._meta.get_field("kelurahan").verbose_name,
        "owner_nik": Owner._meta.get_field("nik").verbose_name,
    }
    rows = []
    for field, new in request.changes.items():
        old = request.previous.get(field)
        if field == "kelurahan":
            old, new = kelurahan_names.get(old, old), kelurahan_names.get(new, new)
        rows.append(
            {
                "field": field,
                "label": labels.get(field, field),
                "old": old,
                "new": new,
                "old_masked": mask_nik(old) if field == "owner_nik" else old,
                "new_masked": mask_nik(new) if field == "owner_nik" else new,
            }
        )
    return rows


def kelurahan_names(requests) -> dict[str, str]:
    codes = set()
    for r in requests:
        for values in (r.changes, r.previous):
            if values.get("kelurahan"):
                codes.add(values["kelurahan"])
    return dict(Kelurahan.objects.filter(pk__in=codes).values_list("pk", "name"))


def public_profiles(*, name: str = "", product: str = "", kelurahan: Kelurahan | None = None):
    qs = (
        BusinessProfile.objects.public()
        .select_related("business__kelurahan__kecamatan")
        .defer("business__kelurahan__boundary")
    )
    for word in name.split()[:5]:
        qs = qs.filter(business__name__icontains=word)
    for word in product.split()[:5]:
        qs = qs.filter(business__products__icontains=word)
    if kelurahan is not None:
        qs = qs.filter(business__kelurahan=kelurahan)
    return qs.order_by("business__name", "business__pk")
