from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token

from pembinaan.front.selectors import worklist_for_request


def landing(request: HttpRequest) -> HttpResponse:
    """The front door: an owner's first action is registering; someone logged in goes home instead."""
    user = request.user
    home_url = None
    if user.is_authenticated:
        home_url = reverse("ownerspace:home") if user.is_owner else reverse("front:home")
    return render(request, "front/landing.html", {"home_url": home_url})


def home(request: HttpRequest) -> HttpResponse:
    """Where "Beranda" leads after login: staff see what waits for them; other roles go to the
    page they work from."""
    user = request.user
    if not user.is_authenticated:
        return redirect("front:landing")
    if user.is_staf_dinas:
        # The same object as the menu's badges (read once per request).
        return render(request, "front/home.html", {"work": worklist_for_request(request)})
    if user.is_owner:
        return redirect("ownerspace:home")
    # Kepala Bidang and Bendahara work from the grants waiting for their step (rule 14).
    if user.has_perm("funding.approve_capitalassistance"):
        return redirect(reverse("coaching:grant-list") + "?status=diusulkan")
    if user.has_perm("funding.disburse_capitalassistance"):
        return redirect(reverse("coaching:grant-list") + "?status=disetujui")
    if user.has_perm("progress.view_dashboard"):
        return redirect("progress:dashboard")
    return render(request, "front/home.html")


LICENCES = {
    "wilayah": Path(__file__).resolve().parent.parent
    / "reference"
    / "data"
    / "geo"
    / "LICENSE-wilayah_boundaries",
    "bootstrap": Path(settings.BASE_DIR) / "static" / "vendor" / "bootstrap" / "LICENSE",
    "chartjs": Path(settings.BASE_DIR) / "static" / "vendor" / "chartjs" / "LICENSE.md",
}


def credits(request: HttpRequest) -> HttpResponse:
    """Where the portal's data and front-end libraries come from, with their licence notices."""
    notices = {name: path.read_text(encoding="utf-8") for name, path in LICENCES.items()}
    return render(request, "front/credits.html", {"notices": notices})


@requires_csrf_token
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: the failure may lie in a context processor.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
