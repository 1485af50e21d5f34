from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pembinaan.coaching.access import get_activity_for_user
from pembinaan.funding import selectors, services
from pembinaan.funding.access import get_budget_line_for_user, get_grant_for_user, get_source_for_overview
from pembinaan.funding.forms import (
    BudgetLineForm,
    GrantDecisionForm,
    GrantDisburseForm,
    GrantFilterForm,
    GrantForm,
    YearFilterForm,
)
from pembinaan.funding.models import BudgetLine, CapitalAssistance
from pembinaan.jobs.export_jobs import export_or_job
from pembinaan.lib.service_errors import apply_to_forms
from pembinaan.lib.uploads import private_download
from pembinaan.registry.access import get_business_for_user, require
from pembinaan.registry.forms import list_filters

PAGE_SIZE = 25


@login_required
def budget_overview(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.view_budget_overview")
    form = YearFilterForm(request.GET or None)
    rows = selectors.budget_overview(year=list_filters(form).get("year"))
    return render(
        request,
        "funding/budget_overview.html",
        {"form": form, "rows": rows, "totals": {t.year: t for t in selectors.year_totals(rows)}},
    )


@login_required
def budget_overview_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The overview's rows as .xlsx or .csv: aggregates only, so council members may take it too."""
    require(request.user, "funding.view_budget_overview")
    return export_or_job(request, source="anggaran", fmt=fmt)


@login_required
def budget_drilldown(request: HttpRequest, year: int, source_code: str) -> HttpResponse:
    source = get_source_for_overview(request.user, source_code)
    rows = [r for r in selectors.budget_overview(year=year) if r.source == source]
    # Council members see the activities and the amounts; names of businesses only staff do.
    show_businesses = request.user.has_perm("registry.view_business") and request.GET.get("usaha") == "1"
    return render(
        request,
        "funding/budget_drilldown.html",
        {
            "year": year,
            "source": source,
            "row": rows[0] if rows else None,
            "lines": BudgetLine.objects.filter(source=source, fiscal_year=year),
            "activities": selectors.drilldown_activities(year=year, source=source),
            "grant_summary": [
                {"label": CapitalAssistance.Status(r["status"]).label, "n": r["n"], "total": r["total"]}
                for r in CapitalAssistance.objects.filter(
                    budget_line__source=source, budget_line__fiscal_year=year
                )
                .values("status")
                .order_by("status")
                .annotate(n=Count("pk"), total=Sum("amount"))
            ],
            "businesses": selectors.drilldown_businesses(year=year, source=source)
            if show_businesses
            else None,
        },
    )


@login_required
def budget_line_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.view_budgetline")
    form = YearFilterForm(request.GET or None)
    lines = selectors.budget_line_list(filters=list_filters(form))
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    return render(request, "funding/budget_line_list.html", {"form": form, "page": page})


@login_required
def budget_line_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    require(request.user, "funding.view_budgetline")
    return export_or_job(request, source="pagu", fmt=fmt)


@login_required
def budget_line_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.add_budgetline")
    form = BudgetLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Pagu tersimpan."))
            return redirect("funding:budget-line-list")
    return render(request, "funding/budget_line_form.html", {"form": form, "creating": True})


@login_required
def budget_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_budget_line_for_user(request.user, pk, permission="funding.change_budgetline")
    form = BudgetLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_update(line=line, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            line.refresh_from_db()
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Pagu tersimpan."))
            return redirect("funding:budget-line-list")
    return render(request, "funding/budget_line_form.html", {"form": form, "line": line})


@login_required
@require_POST
def budget_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_budget_line_for_user(request.user, pk, permission="funding.delete_budgetline")
    try:
        services.budget_line_delete(line=line, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pagu dihapus."))
    return redirect("funding:budget-line-list")


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.view_capitalassistance")
    form = GrantFilterForm(request.GET or None)
    grants = selectors.grant_list(filters=list_filters(form))
    page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/grant_list.html",
        {"form": form, "page": page, "totals": selectors.grant_totals(grants)},
    )


@login_required
def grant_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered assistance list as .xlsx or .csv, every page of it (NIK masked unless permitted)."""
    require(request.user, "funding.view_capitalassistance")
    require(request.user, "registry.view_business")
    return export_or_job(request, source="bantuan", fmt=fmt)


@login_required
def grant_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.add_capitalassistance")
    business = activity = None
    if request.GET.get("usaha", "").isdigit():
        business = get_business_for_user(request.user, int(request.GET["usaha"]))
    if request.GET.get("kegiatan", "").isdigit():
        activity = get_activity_for_user(request.user, int(request.GET["kegiatan"]))
    form = GrantForm(request.POST or None, request.FILES or None, business=business, activity=activity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        recipient = data.pop("recipient", None) or business
        try:
            grant = services.grant_propose(by=request.user, business=recipient, **data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Usulan bantuan tersimpan."))
            for warning in services.double_funding_warnings(grant):
                messages.warning(request, warning)
            return redirect("funding:grant-detail", pk=grant.pk)
    return render(request, "funding/grant_form.html", {"form": form, "business": business, "creating": True})


@login_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_grant_for_user(request.user, pk)
    return render(
        request,
        "funding/grant_detail.html",
        {
            "grant": grant,
            "warnings": services.double_funding_warnings(grant),
            "decision_form": GrantDecisionForm(),
            "disburse_form": GrantDisburseForm(),
            "history": grant.history.select_related("history_user").order_by("-history_date")[:30],
        },
    )


@login_required
def grant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_grant_for_user(request.user, pk, permission="funding.change_capitalassistance")
    form = GrantForm(request.POST or None, instance=grant, business=grant.business)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("evidence", None)
        try:
            services.grant_update(grant=grant, by=request.user, **data)
        except ValidationError as exc:
            grant.refresh_from_db()
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Perubahan tersimpan."))
            return redirect("funding:grant-detail", pk=grant.pk)
    return render(
        request, "funding/grant_form.html", {"form": form, "grant": grant, "business": grant.business}
    )


def _grant_action(request: HttpRequest, pk: int, action, form_class, done: str) -> HttpResponse:
    grant = get_grant_for_user(request.user, pk, permission="funding.change_capitalassistance")
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            action(grant=grant, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("funding:grant-detail", pk=grant.pk)


@login_required
@require_POST
def grant_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_action(request, pk, services.grant_approve, GrantDecisionForm, _("Bantuan disetujui."))


@login_required
@require_POST
def grant_disburse(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_action(
        request,
        pk,
        services.grant_disburse,
        GrantDisburseForm,
        _("Bantuan disalurkan; penerima tercatat hadir."),
    )


@login_required
@require_POST
def grant_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_action(request, pk, services.grant_cancel, GrantDecisionForm, _("Bantuan dibatalkan."))


@login_required
def grant_evidence(request: HttpRequest, pk: int) -> FileResponse:
    grant = get_grant_for_user(request.user, pk)
    if not grant.evidence:
        raise Http404
    return private_download(grant.evidence, name=grant.evidence_name, extension=grant.evidence_extension)
