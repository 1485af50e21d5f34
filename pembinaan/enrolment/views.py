"""Self-registration ("Daftarkan Usaha"), claims, the staff verification queue, and owners'
sign-up for open activities.

The registration is three short steps kept in the session; nothing reaches the database until
the last step succeeds, and then one service call creates everything.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pembinaan.accounts.selectors import phone_confirmation
from pembinaan.coaching import services as coaching
from pembinaan.coaching.models import Activity
from pembinaan.enrolment import consent, selectors, services
from pembinaan.enrolment.access import (
    get_claim_for_user,
    get_own_business,
    get_own_participation,
    get_submitted_business_for_user,
    owned_businesses,
    require,
)
from pembinaan.enrolment.forms import (
    BusinessStepForm,
    ConsentStepForm,
    DecisionNoteForm,
    OwnerStepForm,
    ReasonForm,
)
from pembinaan.enrolment.models import ClaimRequest, Registration
from pembinaan.enrolment.ratelimit import limit_posts
from pembinaan.lib.identifiers import object_id
from pembinaan.lib.service_errors import apply_to_forms
from pembinaan.registry import services as registry
from pembinaan.registry.models import Business, BusinessStatus

SESSION_KEY = "enrolment"
BACKEND = "pembinaan.accounts.backends.EmailOrPhoneBackend"
STEPS = {
    "owner": ("enrolment:owner", OwnerStepForm, _("Data pemilik")),
    "business": ("enrolment:business", BusinessStepForm, _("Data usaha")),
}


# --- Registration ------------------------------------------------------------------------------


def _state(request: HttpRequest) -> dict:
    state = request.session.get(SESSION_KEY)
    if state is None:
        # The token identifies this one registration: submitting it twice registers once.
        state = {"token": str(uuid.uuid4())}
        request.session[SESSION_KEY] = state
    return state


def _raw(form, exclude=("password1", "password2", "website")) -> dict[str, str]:
    return {name: form.data.get(name, "") for name in form.fields if name not in exclude}


def _honeypot_filled(request: HttpRequest) -> bool:
    return bool(request.POST.get("website", "").strip())


def _caught(request: HttpRequest) -> HttpResponse:
    # A bot filled the hidden field: act as if all went well, keep nothing.
    request.session.pop(SESSION_KEY, None)
    return redirect("enrolment:done")


def _render_step(request: HttpRequest, step: str, form) -> HttpResponse:
    return render(
        request,
        f"enrolment/step_{step}.html",
        {"form": form, "step_number": {"owner": 1, "business": 2, "consent": 3}[step], "step_count": 3},
    )


def _anonymous_only(view):
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated:
            if Registration.objects.filter(user=request.user).exists():
                # A second click that arrived after the first one logged the owner in.
                return redirect("enrolment:done")
            return render(request, "enrolment/signed_in.html")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_anonymous_only
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "enrolment/start.html", {"consent_purpose": consent.PURPOSE})


@_anonymous_only
@limit_posts
def owner_step(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    kept = bool(state.get("password"))
    if request.method == "POST":
        if _honeypot_filled(request):
            return _caught(request)
        form = OwnerStepForm(request.POST, password_kept=kept)
        if form.is_valid():
            state["owner"] = _raw(form)
            if form.cleaned_data.get("password1"):
                # Only the hash is kept in the session, never the password itself.
                state["password"] = make_password(form.cleaned_data["password1"])
            request.session.modified = True
            return redirect("enrolment:business")
    else:
        form = OwnerStepForm(initial=state.get("owner"), password_kept=kept)
    return _render_step(request, "owner", form)


@_anonymous_only
@limit_posts
def business_step(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    if "owner" not in state:
        return redirect("enrolment:owner")
    if request.method == "POST":
        if _honeypot_filled(request):
            return _caught(request)
        form = BusinessStepForm(request.POST)
        if form.is_valid():
            state["business"] = _raw(form, exclude=("website",))
            request.session.modified = True
            return redirect("enrolment:consent")
    else:
        form = BusinessStepForm(initial=state.get("business"))
    return _render_step(request, "business", form)


@never_cache  # it shows the owner's full NIK
@_anonymous_only
@limit_posts
def consent_step(request: HttpRequest) -> HttpResponse:
    state = request.session.get(SESSION_KEY) or {}
    if "owner" not in state or "password" not in state:
        return redirect("enrolment:owner")
    if "business" not in state:
        return redirect("enrolment:business")
    if Registration.objects.filter(token=state["token"]).exists():
        # A second click or tab after the registration went through: show the same outcome.
        request.session.pop(SESSION_KEY, None)
        return redirect("enrolment:done")
    form = ConsentStepForm(request.POST or None)
    owner_form = OwnerStepForm(state["owner"], password_kept=True)
    business_form = BusinessStepForm(state["business"])
    if request.method == "POST":
        if _honeypot_filled(request):
            return _caught(request)
        # The earlier steps are checked again: the rules may have changed since they were filled in.
        if not owner_form.is_valid():
            return _render_step(request, "owner", owner_form)
        if not business_form.is_valid():
            return _render_step(request, "business", business_form)
        if form.is_valid():
            try:
                registration = services.registration_submit(
                    token=uuid.UUID(state["token"]),
                    owner_data={k: owner_form.cleaned_data[k] for k in ("name", "nik", "phone", "email")},
                    business_data={k: v for k, v in business_form.cleaned_data.items() if k != "website"},
                    password_hash=state["password"],
                    consent_version=consent.VERSION,
                )
            except ValidationError as exc:
                apply_to_forms(exc, owner_form, business_form, form)
                step = "owner" if owner_form.errors else "business" if business_form.errors else "consent"
                if step != "consent":
                    return _render_step(request, step, owner_form if step == "owner" else business_form)
            else:
                request.session.pop(SESSION_KEY, None)
                # No user: the phone or email already had an account, whose owner was told.
                # The registrant goes to the same page as everyone, without being logged in.
                if registration.user is not None:
                    login(request, registration.user, backend=BACKEND)
                return redirect("enrolment:done")
    else:
        owner_form.is_valid()
        business_form.is_valid()
    return render(
        request,
        "enrolment/step_consent.html",
        {
            "form": form,
            "owner": owner_form.cleaned_data if owner_form.is_bound else {},
            "business": business_form.cleaned_data if business_form.is_bound else {},
            "owner_nik": _nik_in_groups(owner_form.cleaned_data.get("nik", "")),
            "consent_version": consent.VERSION,
            "consent_purpose": consent.PURPOSE,
            "consent_points": consent.POINTS,
            "step_number": 3,
            "step_count": 3,
        },
    )


def _nik_in_groups(nik: str) -> str:
    # `6371 0155 0685 0001`: in groups of four, as printed on the KTP, so a typo is easy to spot.
    return " ".join(nik[i : i + 4] for i in range(0, len(nik), 4))


def done(request: HttpRequest) -> HttpResponse:
    """The registration's last page: its number and what happens next, or, for someone not logged
    in (their phone or email already had an account), to check their messages. Every variant has
    the same shape, so the page does not say whether an account exists."""
    outcome = selectors.registration_outcome(request.user)
    if outcome is None:
        return redirect("front:home")
    return render(
        request,
        "enrolment/done.html",
        {
            "outcome": outcome,
            "confirm": phone_confirmation(request.user),
            "working_days": settings.ENROLMENT_VERIFY_WORKING_DAYS,
            "link_hours": settings.ENROLMENT_CLAIM_LINK_HOURS,
        },
    )


# --- Claims: the link sent to the email on record ---------------------------------------------


@limit_posts
def claim_confirm(request: HttpRequest, token: str) -> HttpResponse:
    claim = services.claim_from_token(token)
    if claim is None:
        return render(request, "enrolment/claim_invalid.html", status=410)
    if request.method == "POST":
        method = ClaimRequest.Method.EMAIL
        if request.POST.get("answer") == "yes":
            try:
                services.claim_approve(claim=claim, by=None, method=method)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return render(request, "enrolment/claim_invalid.html", status=409)
            return render(request, "enrolment/claim_result.html", {"approved": True})
        services.claim_refuse(
            claim=claim, by=None, method=method, note=_("Ditolak pemilik data lewat tautan email.")
        )
        return render(request, "enrolment/claim_result.html", {"approved": False})
    return render(
        request,
        "enrolment/claim_confirm.html",
        {"claim": claim, "claimant_phone": services.phone_tail(claim.user.phone)},
    )


# --- Staff: verification queue and claims -----------------------------------------------------


QUEUE_STATE = ("cari", "page")


def _queue_state(request: HttpRequest) -> str:
    """The queue's search and page as a query string, carried from the list to each review and back."""
    state = QueryDict(mutable=True)
    for key in QUEUE_STATE:
        value = request.GET.get(key, "").strip()[:100]
        if value:
            state[key] = value
    return state.urlencode()


def _with_state(url: str, state: str) -> str:
    return f"{url}?{state}" if state else url


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.verify_business")
    search = request.GET.get("cari", "").strip()[:100]
    page = Paginator(selectors.verification_queue(search=search), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "enrolment/queue.html",
        {"page": page, "search": search, "state": _queue_state(request)},
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """One screen to check a submitted business and verify it, or reject it with a reason.

    After a decision the next submission of the same queue (same search) opens at once, so staff
    work through the queue without going back to the list; the list comes back when none is left.
    """
    business = get_submitted_business_for_user(request.user, pk)
    state = _queue_state(request)
    search = request.GET.get("cari", "").strip()[:100]
    reject_form = ReasonForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST" and business.status == BusinessStatus.SUBMITTED:
        # Its place in the queue, before the decision moves status_changed_at.
        place = Business(pk=business.pk, status_changed_at=business.status_changed_at)
        try:
            if request.POST.get("action") == "verify":
                services.submission_verify(
                    business=business,
                    by=request.user,
                    phone_checked=request.POST.get("phone_checked") == "on",
                )
                messages.success(request, _("%(name)s diverifikasi.") % {"name": business.name})
                return _open_next(request, after=place, search=search, state=state)
            if reject_form.is_valid():
                registry.business_reject(
                    business=business, by=request.user, reason=reject_form.cleaned_data["reason"]
                )
                messages.success(request, _("Pendaftaran %(name)s ditolak.") % {"name": business.name})
                return _open_next(request, after=place, search=search, state=state)
        except ValidationError as exc:
            if request.POST.get("action") == "verify":
                messages.error(request, " ".join(exc.messages))
            else:
                apply_to_forms(exc, reject_form)
    can_act = business.status == BusinessStatus.SUBMITTED
    following = selectors.next_in_queue(after=business, search=search) if can_act else None
    return render(
        request,
        "enrolment/review.html",
        {
            "business": business,
            "pairs": selectors.duplicate_pairs_of(business),
            "phone_check": selectors.login_phone_check(business),
            "reject_form": reject_form,
            "can_act": can_act,
            "queue_url": _with_state(reverse("enrolment:queue"), state),
            "skip_url": _with_state(reverse("enrolment:review", args=[following.pk]), state)
            if following
            else "",
        },
    )


def _open_next(request: HttpRequest, *, after, search: str, state: str) -> HttpResponse:
    following = selectors.next_in_queue(after=after, search=search)
    if following is not None:
        return redirect(_with_state(reverse("enrolment:review", args=[following.pk]), state))
    messages.info(request, _("Tidak ada lagi pendaftaran yang menunggu di antrean ini."))
    return redirect(_with_state(reverse("enrolment:queue"), state))


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "enrolment.change_claimrequest")
    page = Paginator(selectors.claim_list(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "enrolment/claim_list.html",
        {"page": page, "unreachable": selectors.unreachable_account_attempts()},
    )


@login_required
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_claim_for_user(request.user, pk)
    form = DecisionNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = services.claim_approve if request.POST.get("action") == "approve" else services.claim_refuse
        try:
            action(
                claim=claim, by=request.user, method=ClaimRequest.Method.STAFF, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            apply_to_forms(exc, form)
        else:
            messages.success(request, _("Keputusan tersimpan."))
            return redirect("enrolment:claim-list")
    return render(
        request,
        "enrolment/claim_decide.html",
        {
            "claim": claim,
            "form": form,
            "history": claim.history.select_related("history_user").order_by("-history_date"),
        },
    )


# --- Owners: open activities ------------------------------------------------------------------


def activity_list(request: HttpRequest) -> HttpResponse:
    """Upcoming activities open for sign-up; anyone may look, owners may sign up."""
    is_owner = request.user.is_authenticated and request.user.is_owner
    businesses = list(owned_businesses(request.user)) if is_owner else []
    activities = list(
        selectors.open_activities(owner_businesses=[b.pk for b in businesses] if is_owner else None)[:100]
    )
    verified = [b for b in businesses if b.status == BusinessStatus.VERIFIED]
    return render(
        request,
        "enrolment/activity_list.html",
        {"activities": activities, "is_owner": is_owner, "verified": verified, "businesses": businesses},
    )


@login_required
@require_POST
def activity_signup(request: HttpRequest, pk: int) -> HttpResponse:
    business = get_own_business(request.user, object_id(request.POST.get("business")) or 0)
    activity = get_object_or_404(Activity, pk=pk)
    try:
        coaching.participation_self_signup(activity=activity, business=business, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s terdaftar sebagai peserta %(title)s.")
            % {"name": business.name, "title": activity.title},
        )
    return redirect("enrolment:activity-list")


@login_required
@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_own_participation(request.user, pk)
    try:
        coaching.participation_self_cancel(participation=participation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pendaftaran dibatalkan."))
    return redirect("enrolment:activity-list")
