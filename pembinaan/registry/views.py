from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pembinaan.accounts import services as accounts
from pembinaan.accounts.access import may_see_full_nik
from pembinaan.accounts.forms import IssueCodeForm
from pembinaan.jobs.export_jobs import export_or_job
from pembinaan.lib.identifiers import object_id
from pembinaan.lib.paging import CappedPaginator
from pembinaan.lib.service_errors import apply_to_forms
from pembinaan.registry import selectors, services
from pembinaan.registry.access import (
    get_business_for_user,
    get_duplicate_pair_for_user,
    get_owner_for_user,
    require,
)
from pembinaan.registry.extensions import business_sections_context
from pembinaan.registry.forms import (
    BusinessFilterForm,
    BusinessForm,
    MergeForm,
    OwnerChoiceForm,
    OwnerForm,
    ReasonForm,
    list_filters,
)
from pembinaan.registry.models import Business, DuplicatePair, Owner

PAGE_SIZE = 25


def _show_nik(request: HttpRequest, owners: list[Owner]) -> bool:
    if may_see_full_nik(request.user):
        services.nik_access_record(user=request.user, owners=owners)
        return True
    return False


@login_required
def business_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view_business")
    form = BusinessFilterForm(request.GET or None)
    filters = list_filters(form)
    # Counted up to a cap: an exact count of a drill-down at a province's size took 0.4-0.7 s.
    page = CappedPaginator(selectors.business_list(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "registry/business_list.html",
        {"form": form, "page": page, "sort": filters.get("sort") or "name"},
    )


@login_required
def business_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The business list as .xlsx or .csv: the same filters and order as the page, every page of it
    (a long list as a background job)."""
    require(request.user, "registry.view_business")
    return export_or_job(request, source="usaha", fmt=fmt)


@login_required
def business_detail(request: HttpRequest, pk: int) -> HttpResponse:
    business = get_business_for_user(request.user, pk)
    pairs = (
        (
            DuplicatePair.objects.filter(business_a=business)
            | DuplicatePair.objects.filter(business_b=business)
        )
        .filter(status=DuplicatePair.Status.OPEN)
        .select_related("business_a", "business_b")
    )
    context = {
        "business": business,
        "owner": business.owner,
        "show_full_nik": _show_nik(request, [business.owner]),
        "timeline": business.status_changes.select_related("changed_by"),
        "history": selectors.change_history(business),
        "duplicate_pairs": pairs,
        "siblings": business.owner.businesses.active().exclude(pk=business.pk).select_related("kelurahan"),
        "reason_form": ReasonForm(),
    }
    # Coaching, funding and progress add their sections (registered in their AppConfig.ready()).
    context.update(business_sections_context(request, business, context))
    return render(request, "registry/business_detail.html", context)


@login_required
def business_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.add_business")
    preset = None
    if (owner_pk := object_id(request.GET.get("owner"))) is not None:
        preset = get_owner_for_user(request.user, owner_pk)
    choice = OwnerChoiceForm(request.POST or None, owner=preset)
    owner_form = OwnerForm(request.POST or None, prefix="owner")
    form = BusinessForm(request.POST or None)
    if request.method == "POST" and choice.is_valid():
        new_owner = choice.cleaned_data["mode"] == OwnerChoiceForm.NEW and preset is None
        if new_owner:
            require(request.user, "registry.add_owner")
        forms_valid = form.is_valid() and (owner_form.is_valid() if new_owner else True)
        if forms_valid:
            try:
                with transaction.atomic():
                    owner = (
                        services.owner_create(by=request.user, **owner_form.cleaned_data)
                        if new_owner
                        else choice.owner
                    )
                    business = services.business_create(by=request.user, owner=owner, **form.cleaned_data)
            except ValidationError as exc:
                apply_to_forms(exc, form, owner_form)
            else:
                messages.success(
                    request, _("Usaha %(name)s tersimpan dan terverifikasi.") % {"name": business.name}
                )
                return redirect("registry:business-detail", pk=business.pk)
    return render(
        request,
        "registry/business_form.html",
        {"form": form, "owner_form": owner_form, "choice": choice, "preset_owner": preset, "creating": True},
    )


@login_required
def business_edit(request: HttpRequest, pk: int) -> HttpResponse:
    business = get_business_for_user(request.user, pk, permission="registry.change_business")
    form = BusinessForm(request.POST or None, instance=business)
    if request.method == "POST" and form.is_valid():
        try:
            # The form already wrote its values onto the instance; the service saves and audits.
            services.business_update(business=business, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            business.refresh_from_db()
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Perubahan tersimpan."))
            return redirect("registry:business-detail", pk=business.pk)
    return render(request, "registry/business_form.html", {"form": form, "business": business})


def _status_action(request: HttpRequest, pk: int, action, *, needs_reason: bool, done: str) -> HttpResponse:
    business = get_business_for_user(request.user, pk, permission="registry.verify_business")
    form = ReasonForm(request.POST or None) if needs_reason else None
    if request.method == "POST" and (form is None or form.is_valid()):
        kwargs = {"reason": form.cleaned_data["reason"]} if form else {}
        try:
            action(business=business, by=request.user, **kwargs)
        except ValidationError as exc:
            if form is not None and hasattr(exc, "error_dict"):
                apply_to_forms(exc, form)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("registry:business-detail", pk=business.pk)
        else:
            messages.success(request, done)
            return redirect("registry:business-detail", pk=business.pk)
    if form is None:
        return redirect("registry:business-detail", pk=business.pk)
    return render(
        request,
        "registry/business_reason.html",
        {"business": business, "form": form, "action": request.resolver_match.url_name},
    )


@login_required
@require_POST
def business_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request, pk, services.business_verify, needs_reason=False, done=_("Usaha diverifikasi.")
    )


@login_required
def business_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request, pk, services.business_reject, needs_reason=True, done=_("Pendaftaran ditolak.")
    )


@login_required
def business_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request, pk, services.business_deactivate, needs_reason=True, done=_("Usaha dinonaktifkan.")
    )


@login_required
@require_POST
def business_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_action(
        request, pk, services.business_reactivate, needs_reason=False, done=_("Usaha diaktifkan kembali.")
    )


@login_required
def owner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    owner = get_owner_for_user(request.user, pk)
    return render(
        request,
        "registry/owner_detail.html",
        {
            "owner": owner,
            "show_full_nik": _show_nik(request, [owner]),
            "businesses": owner.businesses.select_related("kelurahan__kecamatan", "kbli_category"),
            "history": selectors.change_history(owner),
        },
    )


@login_required
def owner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    owner = get_owner_for_user(request.user, pk, permission="registry.change_owner")
    full_nik = _show_nik(request, [owner]) if request.method == "GET" else may_see_full_nik(request.user)
    form = OwnerForm(request.POST or None, instance=owner, can_see_full_nik=full_nik)
    if request.method == "POST" and form.is_valid():
        try:
            services.owner_update(owner=owner, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            owner.refresh_from_db()
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Data pelaku usaha tersimpan."))
            return redirect("registry:owner-detail", pk=owner.pk)
    return render(request, "registry/owner_form.html", {"form": form, "owner": owner})


@login_required
@require_POST
def owner_reset_code_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff give an owner who came to the office a code, shown once on this page and recorded."""
    require(request.user, "accounts.issue_resetcode")
    owner = get_owner_for_user(request.user, pk)
    form = IssueCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["confirm"][0])
        return redirect("registry:owner-detail", pk=owner.pk)
    try:
        code, reset_code = accounts.reset_code_issue_by_staff(user=owner.user, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("registry:owner-detail", pk=owner.pk)
    response = render(
        request,
        "registry/owner_reset_code_issued.html",
        {"owner": owner, "code": code, "reset_code": reset_code, "minutes": settings.RESET_CODE_MINUTES},
    )
    response["Cache-Control"] = "no-store"  # the code must not come back from a cache or Back
    return response


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.merge_business")
    pairs = DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN).select_related(
        "business_a__owner", "business_a__kelurahan", "business_b__owner", "business_b__kelurahan"
    )
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/duplicate_list.html", {"page": page})


@login_required
def duplicate_review(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_duplicate_pair_for_user(request.user, pk)
    form = MergeForm(request.POST or None, pair=pair)
    if request.method == "POST" and pair.status == DuplicatePair.Status.OPEN and form.is_valid():
        keep_id = int(form.cleaned_data["keep"])
        keep, remove = (
            (pair.business_a, pair.business_b)
            if keep_id == pair.business_a_id
            else (pair.business_b, pair.business_a)
        )
        try:
            kept = services.business_merge(
                keep=keep, remove=remove, by=request.user, merge_owners=form.cleaned_data["merge_owners"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Data digabung. Semua riwayat kini ada pada usaha ini."))
            return redirect("registry:business-detail", pk=kept.pk)
    return render(
        request,
        "registry/duplicate_review.html",
        {
            "pair": pair,
            "form": form,
            "rows": _comparison_rows(pair.business_a, pair.business_b),
            "show_full_nik": _show_nik(request, [pair.business_a.owner, pair.business_b.owner]),
        },
    )


def _comparison_rows(a: Business, b: Business) -> list[tuple[str, object, object]]:
    fields = ["name", "kelurahan", "address", "kbli_category", "nib", "start_year", "annual_sales", "status"]
    rows = [(str(Business._meta.get_field(f).verbose_name), getattr(a, f), getattr(b, f)) for f in fields]
    rows.insert(1, (_("pemilik"), a.owner.name, b.owner.name))
    rows.insert(2, (_("nomor HP pemilik"), a.owner.phone_display, b.owner.phone_display))
    return rows


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_duplicate_pair_for_user(request.user, pk)
    try:
        services.duplicate_dismiss(pair=pair, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Ditandai bukan data ganda."))
    return redirect("registry:duplicate-list")
