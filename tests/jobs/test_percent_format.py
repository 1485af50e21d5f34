"""A running job's share done is written by the one rule for percentages (lib/numbers.py), in the
page's language: `40 %` (with a no-break space) in Indonesian, `40%` in English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.jobs.factories import JobFactory

pytestmark = pytest.mark.django_db


def _switch_to_english(client) -> None:
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302


def test_my_jobs_shows_the_share_done_the_way_each_language_writes_it(staff_client, staff_user):
    JobFactory(created_by=staff_user, running=True, done=4, total=10)

    indonesian = staff_client.get(reverse("jobs:job-list")).content.decode()
    _switch_to_english(staff_client)
    english = staff_client.get(reverse("jobs:job-list")).content.decode()

    assert "(40\xa0%)" in indonesian and "(40%)" not in indonesian
    assert "(40%)" in english and "\xa0%" not in english


def test_the_queue_shows_the_share_done_the_way_each_language_writes_it(admin_client, staff_user):
    JobFactory(created_by=staff_user, running=True, done=4, total=10)

    indonesian = admin_client.get(reverse("jobs:queue")).content.decode()
    _switch_to_english(admin_client)
    english = admin_client.get(reverse("jobs:queue")).content.decode()

    assert "(40\xa0%)" in indonesian and "(40%)" not in indonesian
    assert "(40%)" in english and "\xa0%" not in english
