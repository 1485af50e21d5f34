"""An owner chooses email or WhatsApp for notices on "Data Saya"; the notices follow that choice."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pembinaan.coaching.models import Activity
from pembinaan.enrolment.reminders import activity_reminders_queue
from pembinaan.notifications.models import Channel, OutboxMessage
from pembinaan.privacy import services
from pembinaan.privacy.models import NoticePreference
from pembinaan.registry.models import BusinessStatus
from pembinaan.registry.notices import business_status_changed
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

URL = reverse("privacy:notice-channel")


@pytest.fixture(autouse=True)
def _owner_has_email(owner_user):
    owner = owner_user.owner_profile
    owner.email = "pemilik@contoh.test"
    owner.save()


def _checked(page: str) -> str:
    return re.search(r'name="channel" value="(\w+)"\s+id="id_channel_\d" required checked', page).group(1)


def _choose(client, channel):
    return client.post(URL, {"channel": channel})


def test_an_owner_chooses_whatsapp_and_the_page_shows_it(owner_client, owner_user):
    response = _choose(owner_client, "whatsapp")
    assert response.status_code == 302 and response.url == reverse("privacy:my-data")
    assert NoticePreference.objects.get(owner=owner_user.owner_profile).channel == "whatsapp"
    page = owner_client.get(response.url).content.decode()
    assert "Pilihan Anda tersimpan." in page
    assert _checked(page) == "whatsapp"


def test_without_a_choice_the_page_shows_email_for_an_owner_with_email(owner_client):
    page = owner_client.get(reverse("privacy:my-data")).content.decode()
    assert _checked(page) == "email"


def test_email_cannot_be_chosen_without_an_email_address(owner_client, owner_user):
    owner = owner_user.owner_profile
    owner.email = ""
    owner.save()
    response = _choose(owner_client, "email")
    assert response.status_code == 200
    assert "Belum ada alamat email Anda di portal." in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert not NoticePreference.objects.exists()


def test_a_made_up_choice_is_refused_with_a_message(owner_client):
    response = _choose(owner_client, "merpati")
    assert response.status_code == 200
    assert "Pilih email atau WhatsApp." in response.content.decode()


@pytest.mark.parametrize("persona", ["viewer_client", "staff_client", "admin_client"])
def test_only_owners_may_choose(request, persona):
    assert _choose(request.getfixturevalue(persona), "email").status_code == 403
    assert not NoticePreference.objects.exists()


def test_a_visitor_is_sent_to_log_in(anon_client):
    response = _choose(anon_client, "email")
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_the_choice_is_posted_not_fetched(owner_client):
    assert owner_client.get(URL).status_code == 405


def test_a_verification_goes_by_whatsapp_to_an_owner_who_chose_it(
    owner_user, whatsapp_gateway, django_capture_on_commit_callbacks
):
    owner = owner_user.owner_profile
    services.notice_preference_set(owner=owner, channel="whatsapp")
    business = BusinessFactory(owner=owner, status=BusinessStatus.VERIFIED)
    with django_capture_on_commit_callbacks(execute=True):
        business_status_changed(business)
    message = OutboxMessage.objects.get()
    assert (message.channel, message.recipient, message.status) == (Channel.WHATSAPP, owner.phone, "terkirim")
    [got] = whatsapp_gateway.received
    assert got.json()["to"] == owner.phone.lstrip("+")
    assert business.name in got.json()["text"]["body"]
    assert mail.outbox == []


def test_an_owner_who_chose_email_gets_email_even_with_whatsapp_configured(
    owner_user, whatsapp_gateway, django_capture_on_commit_callbacks
):
    owner = owner_user.owner_profile
    services.notice_preference_set(owner=owner, channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        business_status_changed(BusinessFactory(owner=owner, status=BusinessStatus.VERIFIED))
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert whatsapp_gateway.received == []


def test_without_a_gateway_a_whatsapp_choice_falls_back_to_email(owner_user):
    owner = owner_user.owner_profile
    services.notice_preference_set(owner=owner, channel="whatsapp")
    business_status_changed(BusinessFactory(owner=owner, status=BusinessStatus.VERIFIED))
    assert OutboxMessage.objects.get().channel == Channel.EMAIL


def _tomorrow_participation(owner):
    activity = ActivityFactory(
        start_date=timezone.localdate() + datetime.timedelta(days=1), status=Activity.Status.PLANNED
    )
    return ParticipationFactory(activity=activity, business=BusinessFactory(owner=owner))


def test_reminders_reach_an_owner_without_email_by_whatsapp_once(owner_user, whatsapp_gateway):
    owner = owner_user.owner_profile
    owner.email = ""
    owner.save()
    _tomorrow_participation(owner)
    assert activity_reminders_queue() == 1
    assert activity_reminders_queue() == 0
    assert OutboxMessage.objects.get().channel == Channel.WHATSAPP


def test_no_reminder_by_any_channel_after_consent_is_withdrawn(owner_user, whatsapp_gateway):
    owner = owner_user.owner_profile
    services.notice_preference_set(owner=owner, channel="whatsapp")
    services.consent_withdraw(owner=owner, by=owner_user)
    _tomorrow_participation(owner)
    assert activity_reminders_queue() == 0
    assert not OutboxMessage.objects.exists()
