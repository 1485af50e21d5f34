"""Security headers on every kind of page (issue 8, hardening): a CSP without inline scripts."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    ("anon_client", "front:landing"),
    ("anon_client", "accounts:login"),
    ("anon_client", "progress:public-progress"),
    ("anon_client", "progress:api-progress"),
    ("staff_client", "registry:business-list"),
    ("staff_client", "coaching:activity-list"),
    ("viewer_client", "progress:dashboard"),
    ("viewer_client", "progress:budget-overview"),
    ("admin_client", "admin:index"),
]


@pytest.mark.parametrize("persona, name", PAGES)
def test_every_kind_of_page_carries_the_security_headers(request, persona, name):
    response = request.getfixturevalue(persona).get(reverse(name))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@override_settings(DEBUG=False)
def test_error_pages_carry_them_too(anon_client):
    response = anon_client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_no_page_template_has_an_inline_script_or_event_handler():
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        # Data blocks (json_script) are allowed; executable inline code is not.
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text) or re.search(
            r"\son[a-z]+=", text
        ):
            offenders.append(str(path))
    assert offenders == []
