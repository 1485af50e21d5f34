"""Issue 14: the landing page is the owners' front door."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _main(client) -> str:
    html = client.get(reverse("front:landing")).content.decode()
    # The page's own content, without the navigation bar (which has its own links).
    return html.split('id="isi"', 1)[-1] if 'id="isi"' in html else html


def _links(html: str) -> dict[str, str]:
    """Link text → href of every link in `html`."""
    return {
        re.sub(r"<[^>]+>", "", text).strip(): href
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, flags=re.S)
    }


def test_the_first_action_for_a_visitor_is_a_working_register_button(anon_client):
    html = _main(anon_client)
    assert "(segera)" not in html and 'aria-disabled="true"' not in html
    buttons = re.findall(r'<a class="btn[^"]*"[^>]*>.*?</a>', html, flags=re.S)
    first = buttons[0]
    assert ">Daftarkan usaha<" in first
    assert f'href="{reverse("enrolment:owner")}"' in first
    # Big enough to tap on a phone (44 px: .tap-target in portal.css) and not hidden in the menu.
    assert "btn-lg" in first and "tap-target" in first
    assert anon_client.get(reverse("enrolment:owner")).status_code == 200


def test_each_audience_card_links_to_where_that_audience_starts(anon_client):
    html = _main(anon_client)
    cards = html.split('class="card h-100"')[1:]
    assert len(cards) == 3
    owner, staff, council = (set(_links(card).values()) for card in cards)
    assert reverse("enrolment:start") in owner
    assert reverse("accounts:login") in staff
    assert reverse("progress:public-progress") == "/kemajuan/"
    assert "/kemajuan/" in council


@pytest.mark.parametrize(
    ("persona", "home", "label"),
    [
        ("owner_client", "ownerspace:home", "Ke Usaha Saya"),
        ("staff_client", "front:home", "Ke beranda"),
        ("admin_client", "front:home", "Ke beranda"),
        ("viewer_client", "front:home", "Ke beranda"),
    ],
)
def test_someone_logged_in_gets_a_link_home_instead_of_the_register_call(request, persona, home, label):
    client = request.getfixturevalue(persona)
    html = _main(client)
    links = _links(html)
    assert links[label] == reverse(home)
    assert "Daftarkan usaha" not in links
    assert reverse("enrolment:owner") not in html


def test_the_tap_target_rule_is_in_the_portal_stylesheet():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    assert re.search(r"\.tap-target\s*{[^}]*min-height:\s*44px", css)
