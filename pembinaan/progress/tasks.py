"""Background tasks of the dashboard's maintained figures: a rebuild, and the daily check."""

from __future__ import annotations

import logging

from pembinaan.lib.tasks import JOBS_QUEUE, task
from pembinaan.progress import reach
from pembinaan.progress.models import ProgressCheck, Target
from pembinaan.progress.services import check_and_record, rebuild

logger = logging.getLogger(__name__)


@task(queue_name=JOBS_QUEUE)
def rebuild_progress(target_id: int | None = None) -> dict[str, int]:
    """Recompute the maintained figures of one target, or of every target (and then the budget
    overview's reach, which belongs to none)."""
    if target_id is None:
        reach.rebuild()
    targets = Target.objects.all() if target_id is None else Target.objects.filter(pk=target_id)
    return {str(target.pk): rebuild(target) for target in targets}


@task(queue_name=JOBS_QUEUE)
def check_progress() -> list[str]:
    """Compare the maintained figures with a fresh computation; a difference is logged as an error
    (the server's error reporting sees it), for `rebuild_progress` and a bug report."""
    problems = check_and_record(via=ProgressCheck.Via.DAILY)
    for problem in problems:
        logger.error("Dashboard figures differ from a fresh computation: %s", problem)
    return problems


def check_progress_enqueue() -> None:
    """The daily upkeep chore: the check itself runs as a task, in a worker's turn."""
    check_progress.enqueue()
