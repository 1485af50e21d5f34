"""'Data Saya' for owners (download, withdraw consent, ask for deletion) and the staff queue."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pembinaan.accounts.access import require
from pembinaan.enrolment import consent
from pembinaan.lib.service_errors import apply_to_forms
from pembinaan.privacy import selectors, services
from pembinaan.privacy.access import DataSubject, get_data_subject, get_request_for_user
from pembinaan.privacy.forms import ConfirmForm, NoticeChannelForm, ResponseForm
from pembinaan.privacy.models import DataRequest


def _my_data_page(
    request: HttpRequest, subject: DataSubject, *, channel_form: NoticeChannelForm | None = None
) -> HttpResponse:
    """One page for an owner and for a claimant (what they typed, see selectors.claimant_data)."""
    if subject.owner is not None:
        data = selectors.owner_data(subject.owner)
        requests = selectors.owner_requests(subject.owner)
        channel = selectors.notice_channel(subject.owner)
    else:
        data = selectors.claimant_data(subject.claim)
        requests = selectors.claim_requests(subject.claim)
        channel = selectors.account_notice_channel(request.user)
    return render(
        request,
        "privacy/my_data.html",
        {
            "data": data,
            "requests": requests,
            "consent_withdrawn": data["consent"]["withdrawn"],  # read once, in the data
            # Without a choice of their own, notices go by email when there is one (as always).
            "channel_form": channel_form
            or NoticeChannelForm(
                initial={"channel": channel or ("email" if data["owner"]["email"] else "whatsapp")}
            ),
        },
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return _my_data_page(request, get_data_subject(request.user))


@login_required
@require_POST
def notice_channel(request: HttpRequest) -> HttpResponse:
    subject = get_data_subject(request.user)
    form = NoticeChannelForm(request.POST)
    if form.is_valid():
        channel = form.cleaned_data["channel"]
        try:
            if subject.owner is not None:
                services.notice_preference_set(owner=subject.owner, channel=channel)
            else:
                services.account_notice_preference_set(user=request.user, channel=channel)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Pilihan Anda tersimpan."))
            return redirect("privacy:my-data")
    return _my_data_page(request, subject, channel_form=form)


@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    subject = get_data_subject(request.user)
    if subject.owner is not None:
        data = selectors.owner_data(subject.owner)
    else:
        data = selectors.claimant_data(subject.claim)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="data-saya-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


def _owner_request(request: HttpRequest, *, template: str, for_owner, for_claim, done: str) -> HttpResponse:
    """A request from Data Saya; a claimant's goes on their claim (services), the page is the same."""
    subject = get_data_subject(request.user)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if subject.owner is not None:
                for_owner(owner=subject.owner, by=request.user, note=note)
            else:
                for_claim(claim=subject.claim, by=request.user, note=note)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, done)
            return redirect("privacy:my-data")
    if subject.owner is not None:
        withdrawn = consent.consent_withdrawn(subject.owner)
    else:
        withdrawn = consent.claim_consent_withdrawn(subject.claim)
    return render(request, template, {"form": form, "consent_withdrawn": withdrawn})


@login_required
def consent_withdraw(request: HttpRequest) -> HttpResponse:
    return _owner_request(
        request,
        template="privacy/consent_withdraw.html",
        for_owner=services.consent_withdraw,
        for_claim=services.claim_consent_withdraw,
        done=_(
            "Persetujuan Anda sudah ditarik dan dicatat. Profil publik usaha Anda tidak ditampilkan lagi."
        ),
    )


@login_required
def deletion_request(request: HttpRequest) -> HttpResponse:
    return _owner_request(
        request,
        template="privacy/deletion_request.html",
        for_owner=services.deletion_request,
        for_claim=services.claim_deletion_request,
        done=_("Permintaan penghapusan data sudah diterima. Statusnya dapat Anda lihat di halaman ini."),
    )


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "privacy.process_datarequest")
    show = request.GET.get("status") or DataRequest.Status.OPEN
    if show not in DataRequest.Status.values:
        show = DataRequest.Status.OPEN
    rows = (
        DataRequest.objects.filter(status=show)
        .select_related("owner", "claim__user", "decided_by")
        .order_by("requested_at", "pk")[:200]
    )
    return render(
        request,
        "privacy/request_list.html",
        {"rows": rows, "show": show, "statuses": DataRequest.Status.choices},
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    data_request = get_request_for_user(request.user, pk)
    form = ResponseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and data_request.status == DataRequest.Status.OPEN and form.is_valid():
        response = form.cleaned_data["response"]
        try:
            if "refuse" in request.POST:
                services.request_refuse(request=data_request, by=request.user, response=response)
            else:
                services.request_process(request=data_request, by=request.user, response=response)
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Permintaan sudah diproses dan dicatat."))
            return redirect("privacy:request-detail", pk=data_request.pk)
    coached = None
    subject_owner = selectors.request_subject_owner(data_request)
    if subject_owner is not None and data_request.kind == DataRequest.Kind.DELETION:
        coached = [(b, services.has_coaching_history(b)) for b in subject_owner.businesses.order_by("pk")]
    return render(
        request,
        "privacy/request_detail.html",
        {
            "req": data_request,
            "subject_owner": subject_owner,
            "form": form,
            "businesses": coached,
            "audit": data_request.audit_entries.select_related("actor"),
        },
    )
