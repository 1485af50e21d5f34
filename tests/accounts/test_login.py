import pytest
from django.core import mail
from django.urls import reverse

from pembinaan.accounts import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-uji-123"


def _login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_staff_log_in_with_their_email_in_any_case(client, staff_user):
    response = _login(client, "STAF@dinas.test")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)


@pytest.mark.parametrize(
    "spelling", ["0812-3450-0001", "+62 812 3450 0001", "6281234500001", "0812.3450.0001"]
)
def test_an_owner_logs_in_with_the_phone_number_in_any_common_spelling(client, owner_user, spelling):
    response = _login(client, spelling)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner_user.pk)


def test_staff_cannot_log_in_with_a_phone_number(client):
    UserFactory(role=roles.STAFF, email="hp@dinas.test", phone="+6281299990000")
    response = _login(client, "081299990000")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_explained_in_indonesian(client, staff_user):
    response = _login(client, "staf@dinas.test", "salah")
    assert response.status_code == 200
    assert "kata sandi salah" in response.content.decode()


def test_repeated_failures_lock_the_login_out_with_a_clear_message(client, staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "staf@dinas.test", "salah")
    response = _login(client, "staf@dinas.test")
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_cannot_log_in(client):
    UserFactory(role=roles.STAFF, email="lama@dinas.test", is_active=False)
    assert _login(client, "lama@dinas.test").status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post_and_ends_the_session(staff_client):
    assert staff_client.post(reverse("accounts:logout")).status_code == 302
    assert staff_client.get(reverse("registry:business-list")).status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "staf@dinas.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/akun/atur-ulang/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Banjarmasin-Baiman-2026", "new_password2": "Banjarmasin-Baiman-2026"},
    )
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.check_password("Banjarmasin-Baiman-2026")


def test_password_reset_does_not_reveal_whether_an_email_exists(
    client, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "tidak-ada@dinas.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_a_weak_new_password_is_refused_on_password_change(staff_client, staff_user):
    response = staff_client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    staff_user.refresh_from_db()
    assert staff_user.check_password(PASSWORD)
