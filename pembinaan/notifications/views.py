from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pembinaan.accounts.access import require
from pembinaan.notifications import services
from pembinaan.notifications.models import OutboxMessage


@login_required
def failed_list(request: HttpRequest) -> HttpResponse:
    """Messages that did not go out: given up on, or waiting for another try."""
    require(request.user, "notifications.view_outboxmessage")
    page = Paginator(OutboxMessage.objects.needing_attention().order_by("-updated_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/failed_list.html", {"page": page})


@login_required
@require_POST
def message_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "notifications.change_outboxmessage")
    message = get_object_or_404(OutboxMessage, pk=pk)
    services.message_retry(message=message)
    messages.success(request, _("Pesan dijadwalkan untuk dikirim ulang."))
    return redirect("notifications:failed-list")
