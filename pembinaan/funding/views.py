from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pembinaan.accounts.access import require
from pembinaan.funding import selectors, services
from pembinaan.funding.access import get_budget_line_for_user
from pembinaan.funding.forms import BudgetLineForm, YearFilterForm
from pembinaan.jobs.export_jobs import export_or_job
from pembinaan.lib.forms import list_filters
from pembinaan.lib.service_errors import apply_to_forms


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
