import pytest
from django.urls import reverse

from pembinaan.coaching.models import Participation
from tests.coaching.factories import ActivityFactory
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def test_staff_pick_participants_from_a_filtered_list_of_the_registry(staff_client):
    activity = ActivityFactory(capacity=10)
    wanted = BusinessFactory.create_batch(3, kbli_category_id="I")
    other = BusinessFactory(kbli_category_id="G")
    url = reverse("coaching:participants-pick", args=[activity.pk])
    page = staff_client.get(url, {"kbli": "I"}).content.decode()
    assert all(b.name in page for b in wanted)
    assert other.name not in page
    response = staff_client.post(url, {"businesses": [b.pk for b in wanted[:2]]})
    assert response.status_code == 302
    assert set(Participation.objects.filter(activity=activity).values_list("business", flat=True)) == {
        wanted[0].pk,
        wanted[1].pk,
    }
    # Those already taking part are no longer offered.
    page = staff_client.get(url, {"kbli": "I"}).content.decode()
    assert wanted[0].name not in page and wanted[2].name in page


def test_picking_more_than_the_capacity_adds_nobody_and_says_why(staff_client):
    activity = ActivityFactory(capacity=1)
    picked = BusinessFactory.create_batch(2)
    response = staff_client.post(
        reverse("coaching:participants-pick", args=[activity.pk]), {"businesses": [b.pk for b in picked]}
    )
    assert response.status_code == 200
    assert "Kapasitas" in response.content.decode()
    assert not Participation.objects.filter(activity=activity).exists()


def test_picking_nothing_is_explained(staff_client):
    response = staff_client.post(reverse("coaching:participants-pick", args=[ActivityFactory().pk]), {})
    assert "Centang paling sedikit satu usaha" in response.content.decode()


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
def test_owners_and_council_members_cannot_pick_participants(request, persona):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("coaching:participants-pick", args=[ActivityFactory().pk])).status_code == 403
