"""Rate limits: registration posts per IP address, and the login lockout (django-axes)."""

import pytest
from django.urls import reverse

from pembinaan.registry.models import Owner
from tests.enrolment.helpers import PASSWORD, owner_data, register

pytestmark = pytest.mark.django_db


def test_too_many_registration_posts_from_one_address_are_refused_in_indonesian(
    anon_client, client, settings
):
    settings.ENROLMENT_RATE_LIMIT = 3
    for _ in range(3):
        assert anon_client.post(reverse("enrolment:owner"), owner_data(name="")).status_code == 200
    response = anon_client.post(reverse("enrolment:owner"), owner_data())
    assert response.status_code == 429
    assert "Terlalu banyak percobaan pendaftaran" in response.content.decode()
    assert "coba lagi dalam satu jam" in response.content.decode()
    # Another address is not affected; reading pages is never limited.
    assert anon_client.get(reverse("enrolment:owner")).status_code == 200
    other = client.post(reverse("enrolment:owner"), owner_data(), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_the_rate_limit_is_configurable_and_a_normal_registration_fits(anon_client, settings):
    settings.ENROLMENT_RATE_LIMIT = 3
    assert register(anon_client).status_code == 302
    assert Owner.objects.count() == 1


def test_an_owner_is_locked_out_after_repeated_wrong_passwords_with_a_clear_message(
    anon_client, client, settings
):
    register(anon_client)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "0812-7777-0001", "password": "salah"})
    response = client.post(reverse("accounts:login"), {"username": "0812-7777-0001", "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Terlalu banyak percobaan masuk" in html
    assert "Coba lagi dalam 30 menit" in html
    assert "_auth_user_id" not in client.session
