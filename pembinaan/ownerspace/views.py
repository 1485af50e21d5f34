"""The owner's own space ("Usaha Saya"), the staff review of identity changes, the public directory."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pembinaan.accounts.access import may_see_full_nik, require
from pembinaan.accounts.selectors import phone_confirmation
from pembinaan.coaching import certificates
from pembinaan.coaching import services as coaching
from pembinaan.coaching.selectors import business_coaching_history
from pembinaan.enrolment.selectors import pending_claim_as_registration
from pembinaan.lib.service_errors import apply_to_forms
from pembinaan.lib.uploads import CONTENT_TYPES
from pembinaan.ownerspace import access, selectors, services
from pembinaan.ownerspace.forms import (
    ContactForm,
    DirectorySearchForm,
    OwnerBusinessForm,
    ProfileForm,
    ReasonForm,
    YearlyFiguresForm,
)
from pembinaan.ownerspace.models import BusinessProfile, ChangeRequest
from pembinaan.registry import services as registry
from pembinaan.registry.models import Business, StatusChange
from pembinaan.registry.selectors import change_history

# --- The owner's pages ------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    owner = access.get_owner_of(request.user)
    businesses = list(selectors.owner_businesses(owner)) if owner else []
    if owner is None and (pending := pending_claim_as_registration(request.user)):
        owner, business = pending  # unsaved: shown back, never a link to a record
        businesses = [business]
    return render(
        request,
        "ownerspace/home.html",
        {"owner": owner, "businesses": businesses, "confirm": phone_confirmation(request.user)},
    )


@login_required
def business_detail(request: HttpRequest, pk: int) -> HttpResponse:
    business = access.get_own_business(request.user, pk)
    change_requests = list(business.change_requests.order_by("-requested_at", "-pk")[:10])
    names = selectors.kelurahan_names(change_requests)
    return render(
        request,
        "ownerspace/business_detail.html",
        {
            "business": business,
            "timeline": StatusChange.objects.filter(business=business).order_by("-changed_at", "-pk"),
            "participations": business_coaching_history(business),
            "outcomes": business.outcomes.select_related("outcome_type", "activity"),
            "assistance": business.capital_assistance.select_related("budget_line__source"),
            "figures": business.figures.order_by("-year"),
            "change_requests": [(r, selectors.change_rows(r, names)) for r in change_requests],
            "history": change_history(business, limit=20),
            "profile": BusinessProfile.objects.filter(business=business).first(),
        },
    )


def _form_data(form: OwnerBusinessForm) -> tuple[str | None, dict]:
    data = dict(form.cleaned_data)
    return data.pop("owner_nik", None), data


@login_required
def business_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a business. A draft or rejected one goes back to staff; a verified one keeps its
    status, with identity changes waiting for review."""
    business = access.get_own_business(request.user, pk)
    resubmit = business.status in services.RESUBMITTABLE_STATUSES
    form = OwnerBusinessForm(request.POST if request.method == "POST" else None, instance=business)
    if request.method == "POST" and form.is_valid():
        owner_nik, fields = _form_data(form)
        # The form wrote the values onto `business`; the service starts from the stored row.
        fresh = Business.objects.get(pk=business.pk)
        try:
            if resubmit:
                services.business_resubmit(business=fresh, by=request.user, owner_nik=owner_nik, **fields)
            else:
                change = services.business_owner_edit(
                    business=fresh, by=request.user, owner_nik=owner_nik, **fields
                )
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            if resubmit:
                messages.success(
                    request, _("Data usaha sudah diajukan ulang. Petugas Dinas akan memeriksanya.")
                )
            elif change is not None:
                messages.info(
                    request,
                    _(
                        "Perubahan lain sudah disimpan. Perubahan identitas usaha (NIK, NIB, nama, kelurahan) "
                        "menunggu pemeriksaan petugas Dinas."
                    ),
                )
            else:
                messages.success(request, _("Perubahan tersimpan."))
            return redirect("ownerspace:business-detail", pk=business.pk)
    return render(
        request,
        "ownerspace/business_form.html",
        {"business": Business.objects.get(pk=business.pk), "form": form, "resubmit": resubmit},
    )


@login_required
def figures_create(request: HttpRequest, pk: int) -> HttpResponse:
    business = access.get_own_business(request.user, pk)
    form = YearlyFiguresForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            coaching.figures_record(business=business, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Data tahunan tersimpan. Terima kasih."))
            return redirect("ownerspace:business-detail", pk=business.pk)
    return render(request, "ownerspace/figures_form.html", {"business": business, "form": form})


@login_required
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    business = access.get_own_business(request.user, pk)
    profile = BusinessProfile.objects.filter(business=business).first() or BusinessProfile(business=business)
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=profile,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_update(
                business=business,
                by=request.user,
                is_public=data["is_public"],
                contact=data["contact"],
                description=data["description"],
                photo=data.get("photo") or None,
                remove_photo=data["remove_photo"],
            )
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Profil usaha tersimpan."))
            return redirect("ownerspace:business-detail", pk=business.pk)
    return render(
        request, "ownerspace/profile_form.html", {"business": business, "form": form, "profile": profile}
    )


@login_required
def profile_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The owner's own photo, also while the profile is not public."""
    business = access.get_own_business(request.user, pk)
    profile = get_object_or_404(BusinessProfile, business=business)
    return _photo_response(profile, cache="private, no-store")


@login_required
def certificate(request: HttpRequest, pk: int, participation_pk: int) -> HttpResponse:
    participation = access.get_own_attended_participation(request.user, pk, participation_pk)
    return render(
        request,
        "coaching/certificate.html",
        {
            "participation": participation,
            "activity": participation.activity,
            "pdf_url": reverse("ownerspace:certificate-pdf", args=[pk, participation_pk]),
        },
    )


@login_required
def certificate_pdf(request: HttpRequest, pk: int, participation_pk: int) -> HttpResponse:
    """The certificate as a PDF file to keep: a download, not a page (issue 14)."""
    participation = access.get_own_attended_participation(request.user, pk, participation_pk)
    response = HttpResponse(certificates.certificate_pdf(participation), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{certificates.certificate_filename(participation)}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # a person's name: never in a shared cache
    return response


@login_required
def contact_edit(request: HttpRequest) -> HttpResponse:
    owner = access.require_owner_of(request.user)
    form = ContactForm(request.POST if request.method == "POST" else None, instance=owner)
    if request.method == "POST" and form.is_valid():
        try:
            services.owner_contact_update(owner=owner, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Data kontak tersimpan."))
            return redirect("ownerspace:home")
    return render(request, "ownerspace/contact_form.html", {"form": form})


# --- Staff: identity changes to review ----------------------------------------------------------


@login_required
def change_request_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "ownerspace.review_changerequest")
    pending = list(
        ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)
        .select_related("business__owner", "requested_by")
        .order_by("requested_at", "pk")[:200]
    )
    names = selectors.kelurahan_names(pending)
    return render(
        request,
        "ownerspace/change_request_list.html",
        {"rows": [(r, selectors.change_rows(r, names)) for r in pending]},
    )


@login_required
def change_request_review(request: HttpRequest, pk: int) -> HttpResponse:
    change = access.get_change_request_for_user(request.user, pk)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and change.status == ChangeRequest.Status.PENDING:
        if "approve" in request.POST:
            form = ReasonForm()
            try:
                services.change_request_approve(request=change, by=request.user)
            except ValidationError as exc:
                # E.g. the NIB was taken by another business since the owner asked.
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Perubahan disetujui dan diterapkan."))
                return redirect("ownerspace:change-request-list")
        elif form.is_valid():
            try:
                services.change_request_refuse(
                    request=change, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_to_forms(exc, form)
            else:
                messages.success(request, _("Perubahan ditolak; pemilik usaha dapat membaca alasannya."))
                return redirect("ownerspace:change-request-list")
    show_nik = may_see_full_nik(request.user)
    if show_nik and "owner_nik" in change.changes:
        registry.nik_access_record(user=request.user, owners=[change.business.owner])
    return render(
        request,
        "ownerspace/change_request_review.html",
        {
            "change": change,
            "rows": selectors.change_rows(change, selectors.kelurahan_names([change])),
            "form": form,
            "show_nik": show_nik,
        },
    )


# --- Public directory ---------------------------------------------------------------------------


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = selectors.public_profiles(
        name=filters.get("nama") or "",
        product=filters.get("produk") or "",
        kelurahan=filters.get("kelurahan"),
    )
    page = Paginator(profiles, 24).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    # "No match" only answers a search; paging alone (?halaman=2) is no search.
    searched = any(filters.get(field) for field in ("nama", "produk", "kelurahan"))
    return render(
        request,
        "ownerspace/directory.html",
        {"form": form, "page": page, "query": query.urlencode(), "searched": searched},
    )


def _public_profile(pk: int) -> BusinessProfile:
    return get_object_or_404(
        BusinessProfile.objects.public()
        .select_related("business__owner", "business__kelurahan__kecamatan")
        .defer("business__kelurahan__boundary"),
        business_id=pk,
    )


def public_profile(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "ownerspace/public_profile.html", {"profile": _public_profile(pk)})


def public_photo(request: HttpRequest, pk: int) -> FileResponse:
    return _photo_response(_public_profile(pk), cache="public, max-age=3600")


def _photo_response(profile: BusinessProfile, *, cache: str) -> FileResponse:
    if not profile.photo:
        raise Http404
    response = FileResponse(profile.photo.open("rb"), content_type=CONTENT_TYPES.get(profile.photo_extension))
    # Content-sniffed at upload; nosniff so that a browser never reads it as anything else.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response
