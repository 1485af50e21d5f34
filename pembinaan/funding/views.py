from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pembinaan.accounts.access import require
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
from pembinaan.lib.identifiers import object_id
from pembinaan.lib.service_errors import apply_to_forms
from pembinaan.lib.uploads import private_download
from pembinaan.registry.access import get_business_for_user
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
            "grant_totals": selectors.drilldown_grant_totals(year=year, source=source),
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
    if (business_pk := object_id(request.GET.get("usaha"))) is not None:
        business = get_business_for_user(request.user, business_pk)
    if (activity_pk := object_id(request.GET.get("kegiatan"))) is not None:
        activity = get_activity_for_user(request.user, activity_pk)
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


def _steps(user, grant: CapitalAssistance) -> dict[str, dict[str, object]]:
    """For the page: which of the grant's next steps this user may take, and why not (rule 14).

    A step shown at all is one the grant is waiting for and the user's role may take; the page
    then either offers it or says which other person must. The POST views check both again.
    """
    waiting = {
        services.APPROVE: CapitalAssistance.Status.PROPOSED,
        services.DISBURSE: CapitalAssistance.Status.APPROVED,
    }
    steps = {}
    for step, status in waiting.items():
        shown = grant.status == status and user.has_perm(services.PERMISSIONS[step])
        refusal = services.step_refusal(grant=grant, user=user, step=step) if shown else None
        steps[step] = {"shown": shown, "refusal": refusal}
    return steps


def _render_grant_detail(
    request: HttpRequest, grant: CapitalAssistance, *, disburse_form: GrantDisburseForm | None = None
) -> HttpResponse:
    return render(
        request,
        "funding/grant_detail.html",
        {
            "grant": grant,
            "warnings": services.double_funding_warnings(grant),
            "decision_form": GrantDecisionForm(),
            "disburse_form": disburse_form or GrantDisburseForm(),
            "steps": _steps(request.user, grant),
            "history": grant.history.select_related("history_user").order_by("-history_date")[:30],
        },
    )


@login_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_grant_detail(request, get_grant_for_user(request.user, pk))


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


def _grant_refused(request: HttpRequest, grant: CapitalAssistance, errors: list[str]) -> HttpResponse:
    for message in errors:
        messages.error(request, message)
    return redirect("funding:grant-detail", pk=grant.pk)


def _grant_action(
    request: HttpRequest,
    pk: int,
    action,
    form_class,
    done: str,
    *,
    permission: str = "funding.change_capitalassistance",
) -> HttpResponse:
    grant = get_grant_for_user(request.user, pk, permission=permission)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            action(grant=grant, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            return _grant_refused(request, grant, exc.messages)
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
    return _grant_action(
        request,
        pk,
        services.grant_approve,
        GrantDecisionForm,
        _("Bantuan disetujui."),
        permission=services.PERMISSIONS[services.APPROVE],
    )


@login_required
@require_POST
def grant_disburse(request: HttpRequest, pk: int) -> HttpResponse:
    """A refused disbursement comes back on the page with the date kept and the field marked: the
    message says what to do instead (a new round for the year, rule 13b–c)."""
    grant = get_grant_for_user(request.user, pk, permission=services.PERMISSIONS[services.DISBURSE])
    form = GrantDisburseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.grant_disburse(grant=grant, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Bantuan disalurkan; penerima tercatat hadir."))
            return redirect("funding:grant-detail", pk=grant.pk)
    if grant.status != CapitalAssistance.Status.APPROVED:
        # The page shows no disbursement form in this status: the errors go above the page.
        return _grant_refused(request, grant, [e for errors in form.errors.values() for e in errors])
    return _render_grant_detail(request, grant, disburse_form=form)


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
