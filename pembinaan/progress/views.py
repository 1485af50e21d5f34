from __future__ import annotations

import csv
import functools
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pembinaan.accounts.access import require
from pembinaan.funding.forms import YearFilterForm
from pembinaan.funding.models import BudgetLine
from pembinaan.jobs.export_jobs import export_or_job
from pembinaan.lib.exports import safe_cell
from pembinaan.lib.forms import list_filters
from pembinaan.lib.identifiers import object_id
from pembinaan.lib.service_errors import apply_to_forms
from pembinaan.progress import money
from pembinaan.progress.access import get_source_for_overview
from pembinaan.progress.closing import coached_until, corrections_since
from pembinaan.progress.forms import ClosedYearForm, CorrectionReasonForm, DashboardFilterForm, SnapshotForm
from pembinaan.progress.maps import choropleth
from pembinaan.progress.middleware import remember_reason, remembered_reason
from pembinaan.progress.models import ClosedYear, ReportSnapshot, TallyState, Target
from pembinaan.progress.pdf import report_pdf
from pembinaan.progress.selectors import (
    DashboardFilters,
    closed_year_corrections,
    dashboard,
    filters_from_names,
    progress,
    report_figures,
    snapshot_differences,
)
from pembinaan.progress.services import year_close

# Public figures change only when data changes; a few minutes of caching is safe and cheap.
PUBLIC_MAX_AGE = 300


def _target_from(request: HttpRequest) -> Target:
    raw = request.GET.get("target")
    if raw is None:
        target = Target.primary()
    elif raw.isdigit():
        target = Target.objects.filter(pk=int(raw)).first()
    else:
        target = None
    if target is None:
        raise Http404(_("Target tidak ditemukan."))
    return target


def _figures_version(target: Target) -> str | None:
    """The version of this target's figures as this request shows them (None before its aggregates
    exist): when a figure last could have changed (every service that changes coaching data, money,
    targets or names moves TallyState.changed_at), today's date ("expected by today" moves every day)
    and the language. It keys every cached view of the figures."""
    changed_at = TallyState.objects.filter(target=target).values_list("changed_at", flat=True).first()
    if changed_at is None:
        return None
    return ":".join(
        (str(target.pk), changed_at.isoformat(), timezone.localdate().isoformat(), get_language())
    )


def _cached_progress(target: Target) -> dict:
    """The open-data payload, cached until the figures change (the key carries their version)."""
    version = _figures_version(target)
    if version is None:
        return progress(target)
    key = f"progress:api:{version}"
    return cache.get_or_set(key, lambda: progress(target), timeout=3600)


@require_safe
def api_progress(request: HttpRequest) -> JsonResponse:
    """`GET /api/v1/progress/`: the open-data contract of docs/rules.md, no personal data, for anyone."""
    try:
        target = _target_from(request)
    except Http404 as exc:
        return JsonResponse({"error": str(exc)}, status=404)
    response = JsonResponse(_cached_progress(target), json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"
    return response


CSV_PARTS = {
    "tahun": ("by_year", ["year", "coached_new", "coached_cumulative"]),
    "kecamatan": ("by_kecamatan", ["code", "name", "coached"]),
    "jenis": ("by_type", ["code", "name", "coached"]),
    "sumber": ("by_funding_source", ["code", "name", "coached", "budget", "realized"]),
}


@require_safe
def api_progress_csv(request: HttpRequest, part: str) -> HttpResponse:
    """The open data's lists as CSV, for spreadsheets: same figures, same field names."""
    if part not in CSV_PARTS:
        raise Http404
    target = _target_from(request)
    key, columns = CSV_PARTS[part]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kemajuan-{part}-target-{target.pk}.csv"'
    writer = csv.DictWriter(response, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    # Names are typed by staff (a type called "=HYPERLINK(…)"): the exports' one rule neutralises them.
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in _cached_progress(target)[key])
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_safe
def public_progress(request: HttpRequest) -> HttpResponse:
    """The public progress page: headline, by year, by kecamatan and by type, and the open data."""
    target = _target_from(request)
    response = render(
        request, "progress/public_progress.html", {"p": _cached_progress(target), "target": target}
    )
    if request.user.is_authenticated:
        # The page's menu carries the user's name and links: never kept by a shared cache, and never
        # the anonymous copy (with "Masuk") served back to someone who has logged in.
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _chart_data(d: dict) -> dict:
    """What the charts draw; the same numbers are in the tables beside them."""
    return {
        # Series names come from here, so that they follow the page's language.
        "names": {
            "new": _("Baru"),
            "cumulative": _("Kumulatif"),
            "coached": _("UMKM terbina"),
            "budget": _("Pagu"),
            "realized": _("Realisasi"),
        },
        "year": {
            "labels": [r["year"] for r in d["by_year"]],
            "new": [r["new"] for r in d["by_year"]],
            "cumulative": [r["cumulative"] for r in d["by_year"]],
        },
        "kecamatan": {
            "labels": [r["name"] for r in d["by_kecamatan"]],
            "values": [r["coached"] for r in d["by_kecamatan"]],
            # Under a kecamatan filter the others are drawn grey (their numbers, or none: null).
            "outside": [r.get("outside", False) for r in d["by_kecamatan"]],
        },
        "type": {"labels": [r["name"] for r in d["by_type"]], "values": [r["coached"] for r in d["by_type"]]},
        "source": {
            "labels": [r["name"] for r in d["by_funding_source"]],
            "budget": [r["budget"] for r in d["by_funding_source"]],
            "realized": [r["realized"] for r in d["by_funding_source"]],
        },
    }


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The council's dashboard: progress against the target, where, how and with whose money."""
    require(request.user, "progress.view_dashboard")
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # a bad value drops only its own filter
    target = (form.cleaned_data.get("target") if form.is_bound else None) or Target.primary()
    if target is None:
        raise Http404(_("Target tidak ditemukan."))
    filters = form.filters()
    level = "kecamatan" if request.GET.get("peta") == "kecamatan" else "kelurahan"
    can_list_businesses = request.user.has_perm("registry.view_business")

    # Computed only when the template needs them: a cached page renders without them.
    d = SimpleLazyObject(lambda: dashboard(target, filters))
    charts = functools.cache(lambda: _chart_data(d))  # a callable: json_script cannot take a proxy
    shapes = SimpleLazyObject(
        lambda: choropleth(
            by_kelurahan=d["per_kelurahan"],
            by_kecamatan=d["per_kecamatan"],
            level=level,
            focus=filters.kecamatan,
        )
    )
    return render(
        request,
        "progress/dashboard.html",
        {
            "d": d,
            "form": form,
            "charts": charts,
            "map": shapes,
            # Staff drill down to the businesses; council members to aggregates only.
            "can_list_businesses": can_list_businesses,
            "query": request.GET.urlencode(),
            "cache_key": _dashboard_cache_key(request, target, can_list_businesses),
        },
    )


def _dashboard_cache_key(request: HttpRequest, target: Target, can_list_businesses: bool) -> str | None:
    """The version of this dashboard view: it changes whenever a figure on it can change.

    Every service that changes coaching data moves TallyState.changed_at (even when no maintained
    tally moved, since a filtered view may have), and so do edits to money, targets and names.
    Filtered views are read from their maintained cells on a miss (progress/filtered.py), then cached.
    """
    version = _figures_version(target)
    if version is None:
        return None
    version = ":".join(
        (
            version,
            "staff" if can_list_businesses else "council",
            request.GET.urlencode(),  # the filters, the map level and the target
        )
    )
    return hashlib.sha256(version.encode()).hexdigest()  # any query string gives a short key


def _live_report_figures(target: Target, filters: DashboardFilters) -> dict:
    """`report_figures`, cached as the dashboard is, until a figure on the report can have changed
    (the budget table's money and reach, closed-year corrections and names move the same version).
    "as_of" is the moment of reading: figures that have not changed since are still the figures now.
    A frozen report computes its figures afresh (`snapshot_create`)."""
    version = _figures_version(target)
    if version is None:
        return report_figures(target, filters)
    key = "progress:report:" + hashlib.sha256(f"{version}:{filters!r}".encode()).hexdigest()
    figures = cache.get_or_set(key, lambda: report_figures(target, filters), timeout=3600)
    return {**figures, "as_of": timezone.localtime().replace(microsecond=0).isoformat()}


def _report_view(request: HttpRequest) -> tuple[Target, DashboardFilters, str]:
    """The target and filters of a report: the dashboard's own query string, so a printed view is
    the view the reader filtered. A bad value drops only its own filter, as on the dashboard."""
    target = _target_from(request)
    form = DashboardFilterForm(request.GET)
    form.is_valid()
    query = request.GET.copy()
    query.pop("arsip", None)
    return target, form.filters(), query.urlencode()


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The printable report for a council hearing: headline, every breakdown, budget, definitions."""
    require(request.user, "progress.view_dashboard")
    target, filters, query = _report_view(request)
    return render(
        request,
        "progress/report.html",
        {
            "target": target,
            "figures": _live_report_figures(target, filters),
            "snapshots": target.snapshots.all()[:20],
            "form": SnapshotForm(),
            "query": query,
        },
    )


@login_required
@require_POST
def snapshot_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "progress.add_reportsnapshot")
    target, filters, query = _report_view(request)
    form = SnapshotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Isi judul laporan."))
        return redirect(f"{reverse('progress:report')}?{query}")
    snapshot = ReportSnapshot.objects.create(
        target=target,
        title=form.cleaned_data["title"],
        figures=report_figures(target, filters),
        created_by=request.user,
    )
    messages.success(request, _("Angka laporan dibekukan."))
    return redirect("progress:snapshot", pk=snapshot.pk)


@login_required
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "progress.view_dashboard")
    snapshot = get_object_or_404(ReportSnapshot.objects.select_related("target", "created_by"), pk=pk)
    live = _live_report_figures(snapshot.target, filters_from_names(snapshot.figures.get("filters", [])))
    return render(
        request,
        "progress/report.html",
        {
            "target": snapshot.target,
            "figures": snapshot.figures,
            "snapshot": snapshot,
            "diff": snapshot_differences(snapshot.figures, live),
            # Corrections to closed years made since these figures were frozen, beside them.
            "later_corrections": closed_year_corrections(snapshot.target, since=snapshot.frozen_at),
        },
    )


@login_required
def report_pdf_view(request: HttpRequest) -> HttpResponse:
    """The report as a PDF; `?arsip=<id>` for a frozen one."""
    require(request.user, "progress.view_dashboard")
    if (archived := object_id(request.GET.get("arsip"))) is not None:
        snapshot = get_object_or_404(ReportSnapshot.objects.select_related("target"), pk=archived)
        target, title, frozen_at = snapshot.target, snapshot.title, snapshot.frozen_at
        # The frozen figures, with the corrections to closed years made since (never inside them).
        figures = {
            **snapshot.figures,
            "corrections": closed_year_corrections(target, since=frozen_at),
        }
    else:
        target, filters, _query = _report_view(request)
        figures, title, frozen_at = (
            _live_report_figures(target, filters),
            _("Laporan kemajuan pembinaan UMKM"),
            None,
        )
    response = HttpResponse(
        report_pdf(title=title, target=target, figures=figures, frozen_at=frozen_at),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="laporan-kemajuan-{target.pk}.pdf"'
    return response


@login_required
def corrections(request: HttpRequest) -> HttpResponse:
    """ "Koreksi setelah tutup tahun": every change that moved a closed year's figures, and (for staff)
    the reason their next changes to a closed year will carry."""
    require(request.user, "progress.view_dashboard")
    target = _target_from(request)
    may_correct = request.user.has_perm("coaching.change_participation")
    form = CorrectionReasonForm(request.POST or None)
    if request.method == "POST":
        if not may_correct:
            raise PermissionDenied
        if form.is_valid():
            remember_reason(request, form.cleaned_data["reason"])
            messages.success(
                request,
                _(
                    "Alasan dicatat. Ulangi perubahan Anda; ia akan tercatat sebagai koreksi dengan alasan ini."
                ),
            )
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
                return redirect(back)
            return redirect(f"{reverse('progress:corrections')}?target={target.pk}")
    return render(
        request,
        "progress/corrections.html",
        {
            "target": target,
            "corrections": corrections_since(target),
            "closed": ClosedYear.objects.select_related("report", "closed_by"),
            "form": form if may_correct else None,
            "reason_now": remembered_reason(request),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
def closed_years(request: HttpRequest) -> HttpResponse:
    """Admin Dinas closes a year once its report is published."""
    require(request.user, "progress.add_closedyear")
    form = ClosedYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closed = year_close(
                year=form.cleaned_data["year"], report=form.cleaned_data["report"], by=request.user
            )
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Tahun %(year)s ditutup.") % {"year": closed.year})
            return redirect("progress:closed-years")
    target = Target.primary()
    rows = [
        {"closed": c, "coached": coached_until(target, c.year) if target else None}
        for c in ClosedYear.objects.select_related("report", "closed_by")
    ]
    return render(request, "progress/closed_years.html", {"form": form, "rows": rows})


# --- The budget overview (money figures, docs/rules.md rule 9) ---------------------------------------


@login_required
def budget_overview(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.view_budget_overview")
    form = YearFilterForm(request.GET or None)
    rows = money.budget_overview(year=list_filters(form).get("year"))
    return render(
        request,
        "progress/budget_overview.html",
        {"form": form, "rows": rows, "totals": {t.year: t for t in money.year_totals(rows)}},
    )


@login_required
def budget_overview_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The overview's rows as .xlsx or .csv: aggregates only, so council members may take it too."""
    require(request.user, "funding.view_budget_overview")
    return export_or_job(request, source="anggaran", fmt=fmt)


@login_required
def budget_drilldown(request: HttpRequest, year: int, source_code: str) -> HttpResponse:
    source = get_source_for_overview(request.user, source_code)
    rows = [r for r in money.budget_overview(year=year) if r.source == source]
    # Council members see the activities and the amounts; names of businesses only staff do.
    show_businesses = request.user.has_perm("registry.view_business") and request.GET.get("usaha") == "1"
    return render(
        request,
        "progress/budget_drilldown.html",
        {
            "year": year,
            "source": source,
            "row": rows[0] if rows else None,
            "lines": BudgetLine.objects.filter(source=source, fiscal_year=year),
            "activities": money.drilldown_activities(year=year, source=source),
            "grant_totals": money.drilldown_grant_totals(year=year, source=source),
            "businesses": money.drilldown_businesses(year=year, source=source) if show_businesses else None,
        },
    )
