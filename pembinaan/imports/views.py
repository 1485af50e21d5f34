"""The import screens: upload, confirm the column mapping, dry run, confirm, review.

A file of more than IMPORT_INLINE_MAX_ROWS rows is dry-run and imported by background jobs
(pembinaan/imports/jobs.py); the run's page shows their progress.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pembinaan.accounts.access import may_see_full_nik
from pembinaan.imports import services
from pembinaan.imports.access import get_run_for_user, require_import
from pembinaan.imports.columns import missing_required
from pembinaan.imports.forms import MappingForm, UploadForm
from pembinaan.imports.jobs import import_confirm_enqueue, import_job_latest, import_preview_enqueue
from pembinaan.imports.models import ImportKind, ImportRun
from pembinaan.imports.spreadsheets import workbook_response
from pembinaan.jobs.models import Job
from pembinaan.lib.service_errors import apply_to_forms

# The preview lists this many refused rows and notes on the page; the download has them all.
SHOWN = 200


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    require_import(request.user)
    can_import_budgets = request.user.has_perm("imports.import_budget")
    if request.method == "POST" and request.POST.get("kind") == ImportKind.BUDGETS:
        require_import(request.user, ImportKind.BUDGETS)  # 403, not a form error, for staff
    form = UploadForm(request.POST or None, request.FILES or None, can_import_budgets=can_import_budgets)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        require_import(request.user, kind)
        upload = form.cleaned_data["file"]
        try:
            run = services.import_start(
                kind=kind,
                file_name=upload.name,
                data=_read_limited(upload),
                by=request.user,
                options=form.options(),
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("imports:run-detail", run.pk)
    runs = ImportRun.objects.select_related("created_by").defer("content", "errors", "notes", "bad_rows")
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    kinds = [c for c in ImportKind.choices if can_import_budgets or c[0] != ImportKind.BUDGETS]
    return render(request, "imports/run_list.html", {"form": form, "page": page, "kinds": kinds})


def _read_limited(upload) -> bytes:
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s MB); paling besar %(max)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "max": round(limit / 1_048_576, 1)}
        )
    return upload.read()


@login_required
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    require_import(request.user, kind)
    if kind not in ImportKind.values:
        raise Http404
    columns = services.columns_for(kind)
    return workbook_response(
        [[c.label for c in columns]], file_name=f"templat-impor-{kind}.xlsx", sheet_title=_("Data")
    )


def _mapping_form(run: ImportRun, data=None) -> MappingForm:
    return MappingForm(
        data,
        headers=run.headers,
        columns=services.columns_for(run.kind),
        mapping=run.mapping,
        initial={"valid_rows_only": run.valid_rows_only},
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    return _render_detail(request, run, _mapping_form(run))


def _render_detail(request: HttpRequest, run: ImportRun, form: MappingForm) -> HttpResponse:
    columns = services.columns_for(run.kind)
    records = run.records.order_by("row", "pk")[:SHOWN] if run.status == ImportRun.Status.DONE else []
    job = import_job_latest(run)
    open_ = run.status in (ImportRun.Status.NEW, ImportRun.Status.PREVIEWED)
    return render(
        request,
        "imports/run_detail.html",
        {
            "run": run,
            "form": form,
            "missing": missing_required(run.mapping, columns),
            "errors": run.errors[:SHOWN],
            "notes": run.notes[:SHOWN],
            "records": records,
            "record_count": run.records.count() if records else 0,
            # While a background dry run or import is queued or running, the page shows its
            # progress (and refreshes itself) instead of the forms.
            "job": job if job and job.is_active else None,
            "failed_job": job if job and job.status == Job.Status.FAILED and open_ else None,
            "open": open_,
            "shown": SHOWN,
            "in_background": _in_background(run),
            "can_download_bad_rows": run.created_by_id == request.user.pk or may_see_full_nik(request.user),
        },
    )


def _in_background(run: ImportRun) -> bool:
    """A large file is checked and imported by a background job: a request would time out."""
    return run.rows_total > settings.IMPORT_INLINE_MAX_ROWS


def _busy(request: HttpRequest, run: ImportRun) -> bool:
    """True (with a message for the user) while a background job works on this run."""
    job = import_job_latest(run)
    if job and job.is_active:
        messages.info(request, _("Impor ini sedang diproses di latar belakang; tunggu sampai selesai."))
        return True
    return False


@login_required
@require_POST
def run_preview(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    if _busy(request, run):
        return redirect("imports:run-detail", run.pk)
    form = _mapping_form(run, request.POST)
    if form.is_valid():
        arguments = {"mapping": form.mapping(), "valid_rows_only": form.cleaned_data["valid_rows_only"]}
        try:
            if _in_background(run):
                import_preview_enqueue(run=run, by=request.user, **arguments)
            else:
                services.import_preview(run=run, **arguments)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            return redirect("imports:run-detail", run.pk)
    return _render_detail(request, run, form)


@login_required
@require_POST
def run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    if _busy(request, run):
        return redirect("imports:run-detail", run.pk)
    if _in_background(run):
        try:
            import_confirm_enqueue(run=run, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.info(
                request, _("Impor berjalan di latar belakang. Halaman ini diperbarui sendiri sampai selesai.")
            )
        return redirect("imports:run-detail", run.pk)
    try:
        run = services.import_confirm(run=run, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if run.status == ImportRun.Status.DONE:
            messages.success(
                request,
                _("Impor selesai: %(c)d dibuat, %(u)d diperbarui, %(s)d dilewati, %(r)d ditolak.")
                % {
                    "c": run.created_count,
                    "u": run.updated_count,
                    "s": run.skipped_count,
                    "r": run.refused_count,
                },
            )
        else:
            messages.error(request, run.message)
    return redirect("imports:run-detail", run.pk)


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    if _busy(request, run):
        return redirect("imports:run-detail", run.pk)
    services.import_cancel(run=run)
    return redirect("imports:run-list")


@login_required
def bad_rows_download(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    # The rows come back as they were typed, full NIKs included (docs/rules.md rule 10): only to the
    # person who uploaded them, or to holders of the full-NIK permission.
    if run.created_by_id != request.user.pk and not may_see_full_nik(request.user):
        raise PermissionDenied
    reasons: dict[int, list[str]] = {}
    for row, column, message in run.errors:
        reasons.setdefault(row, []).append(f"{column}: {message}")
    rows = [[_("Baris"), _("Alasan ditolak"), *run.headers]]
    for number, *cells in run.bad_rows:
        rows.append([number, "; ".join(reasons.get(number, [])), *cells])
    return workbook_response(rows, file_name=f"impor-{run.pk}-baris-ditolak.xlsx", sheet_title=_("Ditolak"))
