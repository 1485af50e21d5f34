import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_landing_page_explains_the_programme_and_leads_to_login(anon_client):
    response = anon_client.get(reverse("front:landing"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "3.100 UMKM" in body
    assert reverse("accounts:login") in body


def test_the_navigation_shows_staff_the_registry_and_hides_it_from_others(
    staff_client, viewer_client, owner_client
):
    registry = reverse("registry:business-list")
    assert registry in staff_client.get(reverse("front:landing")).content.decode()
    for client in (viewer_client, owner_client):
        assert registry not in client.get(reverse("front:landing")).content.decode()


def test_the_admin_link_is_shown_only_to_admin_dinas(admin_client, staff_client):
    assert reverse("admin:index") in admin_client.get(reverse("front:landing")).content.decode()
    assert reverse("admin:index") not in staff_client.get(reverse("front:landing")).content.decode()


def test_home_shows_staff_their_worklist_sends_council_members_to_the_dashboard_and_owners_to_their_space(
    staff_client, viewer_client, owner_client
):
    # Issue 14: staff land on their own home (what waits for them), no longer on the registry.
    staff_home = staff_client.get(reverse("front:home"))
    assert staff_home.status_code == 200 and "Yang menunggu Anda" in staff_home.content.decode()
    assert viewer_client.get(reverse("front:home")).url == reverse("progress:dashboard")
    landing = owner_client.get(reverse("front:home"), follow=True)
    assert landing.redirect_chain[-1][0] == reverse("ownerspace:home")
    assert landing.status_code == 200


@override_settings(DEBUG=False)
def test_an_unknown_address_gets_the_indonesian_404_page_in_the_portal_layout(anon_client):
    response = anon_client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
    assert "Portal UMKM" in response.content.decode()


def test_a_server_error_gets_the_indonesian_500_page():
    from django.test import RequestFactory

    from umkm_portal import urls

    assert urls.handler500 == "pembinaan.front.views.server_error"
    from pembinaan.front.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_forbidden_page_gets_the_indonesian_403_page(owner_client):
    response = owner_client.get(reverse("registry:business-list"))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_the_interface_switches_to_english(anon_client):
    response = anon_client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_the_portal_opens_in_indonesian_even_when_the_browser_asks_for_english(anon_client):
    response = anon_client.get(reverse("front:landing"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="id"' in response.content.decode()
    assert response["Content-Language"] == "id"
