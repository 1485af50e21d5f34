"""Uptime checkers and link checkers use HEAD: wherever GET answers, HEAD answers the same.

Each role crawls the portal as in test_crawler.py; every page it reached, and every URL pattern
without parameters, is then asked with HEAD and must answer the status a GET gets.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests.hardening.test_crawler import _login_as, crawl, world  # noqa: F401 - world is a fixture

pytestmark = pytest.mark.django_db

START = ["/", "/beranda/", "/kemajuan/", "/dasbor/", "/daftar/", "/daftar/kegiatan/", "/direktori/"]
# What an uptime checker watches: the public figures, the open data and the health endpoints.
PUBLIC = ["/kemajuan/", "/api/v1/progress/", "/api/v1/progress/tahun.csv", "/healthz", "/readyz"]
NEVER_ASKED = ("/akun/keluar/", "/admin/logout/")
# Django's AdminSite.login redirects a signed-in admin to the admin index on GET only; HEAD gets
# the login form (django/contrib/admin/sites.py). Harmless: no uptime checker signs in as admin.
DJANGO_OWN_DIFFERENCES = {("/admin/login/", 200, 302)}


def _patterns_without_parameters(patterns=None, prefix: str = "") -> list[str]:
    urls = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(entry.pattern, RoutePattern) or "<" in str(entry.pattern):
            continue
        if isinstance(entry, URLResolver):
            urls += _patterns_without_parameters(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            urls.append("/" + prefix + str(entry.pattern))
    return urls


def _head_matches_get(client: Client, url: str, get_status: int) -> None:
    head = client.head(url)
    if head.status_code != get_status:
        # The crawl's GET came earlier; a page whose answer depends on state asks GET again now.
        get_status = client.get(url).status_code
    if (url, head.status_code, get_status) in DJANGO_OWN_DIFFERENCES:
        return
    assert head.status_code == get_status, f"HEAD {url} answered {head.status_code}, GET {get_status}"
    assert head.status_code != 405 or get_status == 405


def test_every_url_pattern_without_parameters_is_found():
    # The walk itself: if it found nothing the test below would prove nothing.
    urls = _patterns_without_parameters()
    assert {"/kemajuan/", "/api/v1/progress/", "/healthz", "/registri/usaha/", "/admin/"} <= set(urls)


@pytest.mark.parametrize("persona", [None, "owner_user", "viewer_user", "staff_user", "admin_user"])
def test_head_answers_as_get_on_every_page_a_role_reaches(request, world, persona):  # noqa: F811
    client = _login_as(request.getfixturevalue(persona) if persona else None)
    pages = crawl(client, START + (["/usaha-saya/", "/data-saya/"] if persona == "owner_user" else []))
    statuses = {url: status for url, (status, _body) in pages.items()}
    for url in set(_patterns_without_parameters()) - set(statuses):
        statuses[url] = client.get(url).status_code

    assert len(statuses) > 40
    for url, status in sorted(statuses.items()):
        if not url.startswith(NEVER_ASKED):
            _head_matches_get(client, url, status)


def test_an_uptime_checker_gets_200_on_head_for_the_public_figures_and_the_probes():
    client = Client()

    for url in PUBLIC:
        response = client.head(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == client.get(url)["Content-Type"], url
