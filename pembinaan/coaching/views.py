from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pembinaan.accounts.access import require
from pembinaan.coaching import grants, selectors, services
from pembinaan.coaching.access import (
    get_activity_for_user,
    get_attachment_for_user,
    get_grant_for_user,
    get_outcome_for_user,
    get_participation_for_user,
)
from pembinaan.coaching.forms import (
    ActivityFilterForm,
    ActivityForm,
    AddParticipantForm,
    AttachmentForm,
    AttendanceForm,
    BulkAddForm,
    FiguresForm,
    GrantDecisionForm,
    GrantDisburseForm,
    GrantFilterForm,
    GrantForm,
    OutcomeForm,
    PickParticipantsForm,
    ReasonForm,
)
from pembinaan.coaching.models import Activity, ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from pembinaan.jobs.export_jobs import export_or_job
from pembinaan.lib.forms import list_filters
from pembinaan.lib.identifiers import object_id
from pembinaan.lib.service_errors import apply_to_forms
from pembinaan.lib.uploads import private_download
from pembinaan.registry import selectors as registry_selectors
from pembinaan.registry.access import get_business_for_user
from pembinaan.registry.forms import BusinessFilterForm
from pembinaan.registry.models import Business

PAGE_SIZE = 25
SEARCH_LIMIT = 10


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "coaching.view_activity")
    form = ActivityFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        form.is_valid()  # a bad value drops only its own filter
        filters = form.cleaned_data
    page = Paginator(selectors.activity_list(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "coaching/activity_list.html", {"form": form, "page": page})


@login_required
def activity_calendar(request: HttpRequest) -> HttpResponse:
    require(request.user, "coaching.view_activity")
    today = timezone.localdate()
    activities = selectors.activity_list().filter(
        end_date__gte=today, start_date__lte=today + datetime.timedelta(days=90)
    )
    activities = activities.exclude(status=Activity.Status.CANCELLED).order_by(
        "start_date", "start_time", "pk"
    )
    weeks: dict[datetime.date, list[Activity]] = {}
    for activity in activities[:300]:
        monday = max(activity.start_date, today)
        monday -= datetime.timedelta(days=monday.weekday())
        weeks.setdefault(monday, []).append(activity)
    return render(
        request, "coaching/activity_calendar.html", {"weeks": sorted(weeks.items()), "today": today}
    )


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "coaching.add_activity")
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Kegiatan tersimpan."))
            return redirect("coaching:activity-detail", pk=activity.pk)
    return render(request, "coaching/activity_form.html", {"form": form, "creating": True})


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, permission="coaching.change_activity")
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(activity=activity, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Perubahan tersimpan."))
            return redirect("coaching:activity-detail", pk=activity.pk)
    return render(request, "coaching/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, permission="coaching.change_activity")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_cancel(activity=activity, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(
                request, _("Kegiatan dibatalkan. Data peserta tetap tersimpan, tetapi tidak dihitung.")
            )
            return redirect("coaching:activity-detail", pk=activity.pk)
    return render(request, "coaching/activity_cancel.html", {"form": form, "activity": activity})


def _business_search(query: str):
    query = query.strip()
    if len(query) < 2:
        return Business.objects.none()
    return registry_selectors.business_list(filters={"q": query}).filter(
        Q(status__in=["terverifikasi", "diajukan", "tidak-aktif"])
    )[:SEARCH_LIMIT]


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    participations = selectors.activity_participants(activity)
    query = request.GET.get("cari", "")
    counts = {s: 0 for s in ParticipationStatus.values} | dict(
        activity.participations.order_by().values_list("status").annotate(n=Count("pk"))
    )
    return render(
        request,
        "coaching/activity_detail.html",
        {
            "activity": activity,
            "participations": participations,
            "counts": counts,
            # The template language cannot read a key with a dash.
            "absent": counts[ParticipationStatus.ABSENT],
            "attachments": activity.attachments.all(),
            "query": query,
            "results": _business_search(query) if query else [],
            "bulk_form": BulkAddForm(),
            "attachment_form": AttachmentForm(),
            "history": _activity_history(activity),
        },
    )


@login_required
def participants_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The activity's participants as .xlsx or .csv, the rows its page lists."""
    activity = get_activity_for_user(request.user, pk, permission="coaching.view_participation")
    require(request.user, "registry.view_business")
    return export_or_job(request, source="peserta", fmt=fmt, activity=activity.pk)


def _activity_history(activity: Activity):
    return registry_selectors.change_history(activity, limit=20)


@login_required
def participant_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Search as you type: the matching businesses, as a fragment the page swaps in."""
    activity = get_activity_for_user(request.user, pk, permission="coaching.add_participation")
    query = request.GET.get("cari", "")
    return render(
        request,
        "coaching/_participant_results.html",
        {"activity": activity, "results": _business_search(query), "query": query},
    )


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, permission="coaching.add_participation")
    form = AddParticipantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih usaha dari hasil pencarian."))
        return redirect("coaching:activity-detail", pk=activity.pk)
    try:
        services.participation_add(
            activity=activity,
            business=form.cleaned_data["business"],
            by=request.user,
            override_capacity=form.cleaned_data["override_capacity"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(name)s ditambahkan sebagai peserta.") % {"name": form.cleaned_data["business"].name}
        )
    return redirect("coaching:activity-detail", pk=activity.pk)


@login_required
def participants_bulk_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, permission="coaching.add_participation")
    form = BulkAddForm(request.POST or None)
    line_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        businesses, line_errors = selectors.resolve_businesses(form.cleaned_data["lines"])
        if not line_errors:
            try:
                added = services.participations_add_many(
                    activity=activity,
                    businesses=businesses,
                    by=request.user,
                    override_capacity=form.cleaned_data["override_capacity"],
                )
            except ValidationError as exc:
                line_errors = exc.messages
            else:
                messages.success(request, _("%(n)s peserta ditambahkan.") % {"n": len(added)})
                return redirect("coaching:activity-detail", pk=activity.pk)
    return render(
        request,
        "coaching/participants_bulk.html",
        {"activity": activity, "form": form, "line_errors": line_errors},
    )


PICK_LIMIT = 100


@login_required
def participants_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick participants from a filtered list of the registry (kelurahan, KBLI, scale, …)."""
    activity = get_activity_for_user(request.user, pk, permission="coaching.add_participation")
    filter_form = BusinessFilterForm(request.GET or None)
    filters = {}
    if filter_form.is_bound:
        filter_form.is_valid()
        filters = filter_form.cleaned_data
    form = PickParticipantsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.participations_add_many(
                activity=activity,
                businesses=list(form.cleaned_data["businesses"]),
                by=request.user,
                override_capacity=form.cleaned_data["override_capacity"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(n)s peserta ditambahkan.") % {"n": len(added)})
            return redirect("coaching:activity-detail", pk=activity.pk)
    candidates = []
    if filters and any(filters.get(k) for k in ("q", "kecamatan", "kelurahan", "kbli", "scale", "status")):
        taken = activity.participations.exclude(status=ParticipationStatus.CANCELLED).values("business_id")
        candidates = list(
            registry_selectors.business_list(filters=filters).exclude(pk__in=taken)[: PICK_LIMIT + 1]
        )
    return render(
        request,
        "coaching/participants_pick.html",
        {
            "activity": activity,
            "filter_form": filter_form,
            "form": form,
            "candidates": candidates[:PICK_LIMIT],
            "more": len(candidates) > PICK_LIMIT,
            "limit": PICK_LIMIT,
        },
    )


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, permission="coaching.change_participation")
    participations = activity.participations.select_related(
        "business__owner", "business__kelurahan"
    ).order_by("business__name", "pk")
    form = AttendanceForm(request.POST or None, participations=participations)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.attendance_record(
                activity=activity, statuses=form.changed_statuses(), by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Kehadiran tersimpan (%(n)s perubahan).") % {"n": changed})
            return redirect("coaching:activity-detail", pk=activity.pk)
    return render(
        request,
        "coaching/attendance.html",
        {
            "activity": activity,
            "form": form,
            "can_mark": activity.has_started() and not activity.is_cancelled,
        },
    )


@login_required
@require_POST
def attendance_all_present(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, permission="coaching.change_participation")
    try:
        changed = services.attendance_mark_all_present(activity=activity, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s peserta ditandai hadir.") % {"n": changed})
    return redirect("coaching:attendance", pk=activity.pk)


@login_required
def certificate(request: HttpRequest, pk: int, participation_pk: int) -> HttpResponse:
    participation = get_participation_for_user(request.user, pk, participation_pk)
    if participation.status != ParticipationStatus.ATTENDED or participation.activity.is_cancelled:
        messages.error(
            request, _("Sertifikat hanya untuk peserta yang hadir pada kegiatan yang tidak dibatalkan.")
        )
        return redirect("coaching:activity-detail", pk=pk)
    return render(
        request,
        "coaching/certificate.html",
        {"participation": participation, "activity": participation.activity},
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, permission="coaching.add_activityattachment")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                activity=activity,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Berkas terunggah."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("coaching:activity-detail", pk=activity.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = get_attachment_for_user(request.user, pk, attachment_pk)
    return private_download(attachment.file, name=attachment.original_name, extension=attachment.extension)


@login_required
def outcome_create(request: HttpRequest, business_pk: int) -> HttpResponse:
    business = get_business_for_user(request.user, business_pk, permission="coaching.add_outcome")
    form = OutcomeForm(request.POST or None, request.FILES or None, business=business)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        evidence = data.pop("evidence", None)
        try:
            services.outcome_record(business=business, by=request.user, evidence=evidence, **data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Capaian tersimpan."))
            return redirect("registry:business-detail", pk=business.pk)
    return render(request, "coaching/outcome_form.html", {"form": form, "business": business})


@login_required
def outcome_evidence(request: HttpRequest, pk: int) -> FileResponse:
    outcome = get_outcome_for_user(request.user, pk)
    if not outcome.evidence:
        raise Http404
    return private_download(
        outcome.evidence, name=outcome.evidence_name, extension=outcome.evidence_extension
    )


@login_required
def figures_create(request: HttpRequest, business_pk: int) -> HttpResponse:
    business = get_business_for_user(request.user, business_pk, permission="coaching.add_figuressnapshot")
    form = FiguresForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.figures_record(business=business, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Data tahunan tersimpan."))
            return redirect("registry:business-detail", pk=business.pk)
    return render(request, "coaching/figures_form.html", {"form": form, "business": business})


# --- Grants (bantuan permodalan) --------------------------------------------------------------------


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "funding.view_capitalassistance")
    form = GrantFilterForm(request.GET or None)
    found = selectors.grant_list(filters=list_filters(form))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "coaching/grant_list.html",
        {"form": form, "page": page, "totals": selectors.grant_totals(found)},
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
            grant = grants.grant_propose(by=request.user, business=recipient, **data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Usulan bantuan tersimpan."))
            for warning in grants.double_funding_warnings(grant):
                messages.warning(request, warning)
            return redirect("coaching:grant-detail", pk=grant.pk)
    return render(request, "coaching/grant_form.html", {"form": form, "business": business, "creating": True})


def _steps(user, grant: CapitalAssistance) -> dict[str, dict[str, object]]:
    """For the page: which of the grant's next steps this user may take, and why not (rule 14).

    A step shown at all is one the grant is waiting for and the user's role may take; the page
    then either offers it or says which other person must. The POST views check both again.
    """
    waiting = {
        grants.APPROVE: CapitalAssistance.Status.PROPOSED,
        grants.DISBURSE: CapitalAssistance.Status.APPROVED,
    }
    steps = {}
    for step, status in waiting.items():
        shown = grant.status == status and user.has_perm(grants.PERMISSIONS[step])
        refusal = grants.step_refusal(grant=grant, user=user, step=step) if shown else None
        steps[step] = {"shown": shown, "refusal": refusal}
    return steps


def _render_grant_detail(
    request: HttpRequest, grant: CapitalAssistance, *, disburse_form: GrantDisburseForm | None = None
) -> HttpResponse:
    return render(
        request,
        "coaching/grant_detail.html",
        {
            "grant": grant,
            "warnings": grants.double_funding_warnings(grant),
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
        was_approved = grant.status == CapitalAssistance.Status.APPROVED
        try:
            updated = grants.grant_update(grant=grant, by=request.user, **data)
        except ValidationError as exc:
            grant.refresh_from_db()
            apply_to_forms(exc, form)
        else:
            if was_approved and updated.status == CapitalAssistance.Status.PROPOSED:
                messages.warning(
                    request, _("Nilai bantuan berubah: bantuan kembali diusulkan dan perlu disetujui lagi.")
                )
            else:
                messages.success(request, _("Perubahan tersimpan."))
            return redirect("coaching:grant-detail", pk=grant.pk)
    return render(
        request, "coaching/grant_form.html", {"form": form, "grant": grant, "business": grant.business}
    )


def _grant_refused(request: HttpRequest, grant: CapitalAssistance, errors: list[str]) -> HttpResponse:
    for message in errors:
        messages.error(request, message)
    return redirect("coaching:grant-detail", pk=grant.pk)


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
    return redirect("coaching:grant-detail", pk=grant.pk)


@login_required
@require_POST
def grant_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_action(
        request,
        pk,
        grants.grant_approve,
        GrantDecisionForm,
        _("Bantuan disetujui."),
        permission=grants.PERMISSIONS[grants.APPROVE],
    )


@login_required
@require_POST
def grant_disburse(request: HttpRequest, pk: int) -> HttpResponse:
    """A refused disbursement comes back on the page with the date kept and the field marked: the
    message says what to do instead (a new round for the year, rule 13b–c)."""
    grant = get_grant_for_user(request.user, pk, permission=grants.PERMISSIONS[grants.DISBURSE])
    form = GrantDisburseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            grants.grant_disburse(grant=grant, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Bantuan disalurkan; penerima tercatat hadir."))
            return redirect("coaching:grant-detail", pk=grant.pk)
    if grant.status != CapitalAssistance.Status.APPROVED:
        # The page shows no disbursement form in this status: the errors go above the page.
        return _grant_refused(request, grant, [e for errors in form.errors.values() for e in errors])
    return _render_grant_detail(request, grant, disburse_form=form)


@login_required
@require_POST
def grant_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_action(request, pk, grants.grant_cancel, GrantDecisionForm, _("Bantuan dibatalkan."))


@login_required
def grant_evidence(request: HttpRequest, pk: int) -> FileResponse:
    grant = get_grant_for_user(request.user, pk)
    if not grant.evidence:
        raise Http404
    return private_download(grant.evidence, name=grant.evidence_name, extension=grant.evidence_extension)
