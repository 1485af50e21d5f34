"""The tasks of the jobs app: the engine runs these; what they do is in services."""

from __future__ import annotations

from pembinaan.jobs import services
from pembinaan.lib.tasks import JOBS_QUEUE, task


@task(queue_name=JOBS_QUEUE)
def run_job(job_id: int) -> bool:
    """Carry out one job (an export, an import's dry run or a confirmed import)."""
    return services.job_run(job_id)


@task()
def expire_results() -> int:
    """Delete export files older than JOB_RESULT_HOURS (their jobs become "expired")."""
    return services.jobs_expire_results()


def expire_results_enqueue() -> None:
    """The upkeep chore: the deleting itself runs as a task, in a worker's turn."""
    expire_results.enqueue()
