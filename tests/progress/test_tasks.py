"""The maintained figures' rebuild and daily check as background tasks."""

from __future__ import annotations

import logging

import pytest
from django.db.models import F

from pembinaan.jobs.upkeep import registered_chores
from pembinaan.progress import tasks
from pembinaan.progress.models import CoachedBusiness, Tally, Target
from tests.coaching.factories import ActivityFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coached():
    participation = ParticipationFactory(activity=ActivityFactory(), status="hadir")
    return participation.business


def test_the_rebuild_task_recomputes_every_targets_figures(coached):
    CoachedBusiness.objects.all().delete()

    result = tasks.rebuild_progress.enqueue()

    assert result.return_value == {str(t.pk): 1 for t in Target.objects.all()}
    assert CoachedBusiness.objects.filter(business=coached).exists()


def test_the_check_task_logs_each_difference_as_an_error(coached, caplog):
    tasks.rebuild_progress.enqueue()
    assert tasks.check_progress.enqueue().return_value == []

    Tally.objects.update(count=F("count") + 1)  # a maintained figure gone wrong
    with caplog.at_level(logging.ERROR, logger="pembinaan.progress.tasks"):
        problems = tasks.check_progress.enqueue().return_value

    assert problems and any("differ" in record.message for record in caplog.records)


def test_workers_run_the_check_once_a_day():
    chore = next(c for c in registered_chores() if c.name == "progress-check")
    assert chore.every_seconds == 24 * 3600
