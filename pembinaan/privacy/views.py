"""'Data Saya' for owners (download, withdraw consent, ask for deletion) and the staff queue."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pembinaan.lib.service_errors import apply_to_forms
from pembinaan.ownerspace.access import get_owner_of, require_owner_of
from pembinaan.privacy import selectors, services
from pembinaan.privacy.access import get_request_for_user
from pembinaan.privacy.forms import ConfirmForm, NoticeChannelForm, ResponseForm
from pembinaan.privacy.models import DataRequest
from pembinaan.registry.access import require


def _my_data_page(
    request: HttpRequest, owner, *, channel_form: NoticeChannelForm | None = None
) -> HttpResponse:
    channel = selectors.notice_channel(owner)
    data = selectors.owner_data(owner)
    return render(
        request,
        "privacy/my_data.html",
        {
            "data": data,
            "requests": selectors.owner_requests(owner),
            "consent_withdrawn": data["consent"]["withdrawn"],  # read once, in owner_data
            # Without a choice of their own, notices go by email when there is one (as always).
            "channel_form": channel_form
            or NoticeChannelForm(initial={"channel": channel or ("email" if owner.email else "whatsapp")}),
        },
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    owner = get_owner_of(request.user)
    if owner is None:
        return _claimant_page(request)
    return _my_data_page(request, owner)


def _claimant_page(request: HttpRequest) -> HttpResponse:
    """A claimant's Data Saya: what they registered, on the page every registrant gets (see
    selectors.claimant_data); the requests on it wait until the claim is proven."""
    data = selectors.claimant_data(request.user)
    if data is None:
        raise Http404
    channel = "email" if data["owner"]["email"] else "whatsapp"
    return render(
        request,
        "privacy/my_data.html",
        {
            "data": data,
            "requests": [],
            "consent_withdrawn": False,
            "channel_form": NoticeChannelForm(initial={"channel": channel}),
        },
    )


@login_required
@require_POST
def notice_channel(request: HttpRequest) -> HttpResponse:
    owner = require_owner_of(request.user)
    form = NoticeChannelForm(request.POST)
    if form.is_valid():
        try:
            services.notice_preference_set(owner=owner, channel=form.cleaned_data["channel"])
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Pilihan Anda tersimpan."))
            return redirect("privacy:my-data")
    return _my_data_page(request, owner, channel_form=form)


@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    owner = get_owner_of(request.user)
    data = selectors.owner_data(owner) if owner else selectors.claimant_data(request.user)
    if data is None:
        raise Http404
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="data-saya-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


def _owner_request(request: HttpRequest, *, template: str, service, done: str) -> HttpResponse:
    owner = require_owner_of(request.user)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service(owner=owner, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, done)
            return redirect("privacy:my-data")
    return render(request, template, {"form": form, "consent_withdrawn": selectors.consent_withdrawn(owner)})


@login_required
def consent_withdraw(request: HttpRequest) -> HttpResponse:
    return _owner_request(
        request,
        template="privacy/consent_withdraw.html",
        service=services.consent_withdraw,
        done=_(
            "Persetujuan Anda sudah ditarik dan dicatat. Profil publik usaha Anda tidak ditampilkan lagi."
        ),
    )


@login_required
def deletion_request(request: HttpRequest) -> HttpResponse:
    return _owner_request(
        request,
        template="privacy/deletion_request.html",
        service=services.deletion_request,
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
        .select_related("owner", "decided_by")
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
    if data_request.owner_id and data_request.kind == DataRequest.Kind.DELETION:
        coached = [
            (b, services.has_coaching_history(b)) for b in data_request.owner.businesses.order_by("pk")
        ]
    return render(
        request,
        "privacy/request_detail.html",
        {
            "req": data_request,
            "form": form,
            "businesses": coached,
            "audit": data_request.audit_entries.select_related("actor"),
        },
    )
