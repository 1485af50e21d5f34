"""The life of a background job: asked for by a user, run by a worker through Django's Tasks API,
watched on its own page, then kept or expired.

The `Job` row is what people see (who asked, what, progress, the file, permissions); the task
engine (`TASKS_BACKEND`: the database or RQ on Redis) does the queuing and the running. What the
engine cannot know is the job's own state, so three rules live here:

- A job runs once at a time: a worker claims it by a conditional UPDATE (queued → running), which
  only one can win on any database, and finishes only the attempt it claimed.
- A job is never lost: every upkeep round (`jobs_recover`, run by each worker) sends again a queued
  job whose task is gone (the enqueue failed, Redis restarted) and queues again a running job whose
  worker process died (`kill -9`, a crashed server); a confirmed import that died was rolled back
  with its connection, so running it again is safe. After JOB_MAX_ATTEMPTS it fails with a message.
- A worker asked to stop in the middle of a job (a second SIGTERM, Ctrl-C) puts it back in the queue.

Each kind of job (an export, an import's dry run, a confirmed import) is registered by the app that
owns the work (`register_job_kind`, from its AppConfig.ready()); this app imports no domain app.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.jobs.models import Job, Worker
from pembinaan.lib.tasks import TaskResultDoesNotExist, TaskResultStatus, default_task_backend

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass
class JobOutcome:
    """What a finished job leaves: a message, maybe a file in storage, the final row count."""

    message: str = ""
    file: str = ""  # the name in storage
    file_name: str = ""  # the name the user downloads it under
    total: int | None = None
    params: dict = field(default_factory=dict)  # merged into the job's params


Runner = Callable[[Job, Progress], JobOutcome]
_RUNNERS: dict[str, Runner] = {}

# The task that runs a job (tasks.run_job), plugged in by JobsConfig.ready(): the task calls
# job_run, so this module cannot import the task module without a circle.
_JOB_TASK: dict[str, Any] = {}


def use_job_task(task: Any) -> None:
    """Called from JobsConfig.ready(): the task that job_send queues for each job."""
    _JOB_TASK["run"] = task


def register_job_kind(*, kind: str, run: Runner) -> None:
    """Called by the app that owns a kind of work, from its AppConfig.ready()."""
    _RUNNERS[kind] = run


def result_storage():
    return Job._meta.get_field("result").storage


def this_process() -> str:
    """The name a worker process goes by in Job.worker and Worker.name: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def job_enqueue(
    *, kind: str, by: User, title: str, params: dict | None = None, total: int = 0, key: str = ""
) -> Job:
    """Queue a job for `by`, or answer the same job already waiting or running for this key.

    A second click on the same export, or a second "confirm" of the same import, is the job the
    first one started, not a new one. A person has at most JOBS_PER_USER jobs waiting or running.
    The task is sent once this transaction commits; the job speaks the language of the request
    that asked for it (messages, export headers).
    """
    if kind not in _RUNNERS:
        raise ValueError(f"unknown job kind {kind!r}")
    with transaction.atomic():
        if key and (pending := _pending_for_key(key=key, kind=kind, by=by)) is not None:
            return pending
        if Job.objects.filter(created_by=by, status__in=Job.ACTIVE).count() >= settings.JOBS_PER_USER:
            raise ValidationError(
                _(
                    "Anda sudah punya %(n)d pekerjaan yang menunggu atau sedang diproses. Tunggu "
                    "sampai salah satunya selesai (lihat Pekerjaan Saya), lalu coba lagi."
                )
                % {"n": settings.JOBS_PER_USER},
                code="too_many",
            )
        job = Job(
            kind=kind,
            key=key,
            title=str(title)[:200],
            params={**(params or {}), "language": translation.get_language() or settings.LANGUAGE_CODE},
            created_by=by,
            total=total,
            queued_at=timezone.now(),
        )
        job.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                job.save()
        except IntegrityError:  # a second request got in between the look-up and the insert
            pending = _pending_for_key(key=key, kind=kind, by=by) if key else None
            if pending is None:
                raise
            return pending
        transaction.on_commit(lambda: job_send(pk=job.pk))
    return job


def _pending_for_key(*, key: str, kind: str, by: User) -> Job | None:
    pending = Job.objects.filter(key=key, status__in=Job.ACTIVE).first()
    if pending is None:
        return None
    if pending.kind == kind and pending.created_by_id == by.pk:
        return pending
    raise ValidationError(_("Pekerjaan yang sama sedang berjalan; tunggu sampai selesai."), code="busy")


def job_send(*, pk: int) -> bool:
    """Hand a queued job to the task engine; False when the engine cannot be reached now.

    A job that could not be sent stays queued with no task, and the next upkeep round sends it:
    the request that asked for it never fails because Redis or a worker is away.
    """
    try:
        result = _JOB_TASK["run"].enqueue(pk)
    except Exception:  # any engine error: the job row is safe, upkeep tries again
        logger.warning("Background job %s could not be queued now; upkeep will retry", pk, exc_info=True)
        return False
    Job.objects.filter(pk=pk, status=Job.Status.QUEUED, task_id="").update(task_id=str(result.id)[:64])
    return True


class _Heartbeat:
    """Writes the job's progress and "still alive" time every JOB_HEARTBEAT_SECONDS.

    From a thread of its own, with its own database connection: the work may be one long
    transaction (a confirmed import), and writes made inside it would be invisible to the job's page
    until it commits.
    """

    def __init__(self, job: Job):
        self.pk, self.attempt, self.total = job.pk, job.attempts, job.total
        self.done = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job.pk}-heartbeat", daemon=True)

    def progress(self, done: int) -> None:
        self.done = done  # read by the heartbeat thread; an int assignment needs no lock

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                self.write()
        finally:
            connections.close_all()

    def write(self) -> None:
        done = min(self.done, self.total) if self.total else self.done
        try:
            Job.objects.filter(pk=self.pk, status=Job.Status.RUNNING, attempts=self.attempt).update(
                heartbeat_at=timezone.now(), done=done
            )
        except DatabaseError:
            # SQLite lets one writer at a time: a long import holds the lock. The next beat retries.
            logger.info("Background job %s: heartbeat not written this time", self.pk)


def job_run(pk: int) -> bool:
    """Claim a queued job and carry it out; False when it was not queued (someone else has it).

    Every error ends in status "failed" with a message for the user (the traceback goes to the log);
    a result file is kept only once it is completely written, and only by the attempt that claimed it.
    A worker stopped in the middle (SystemExit, KeyboardInterrupt) puts the job back in the queue.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=pk, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        worker=this_process()[:100],
        done=0,
        message="",
    )
    if not claimed:
        return False
    job = Job.objects.select_related("created_by").get(pk=pk)
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        try:
            with _Heartbeat(job) as heartbeat:
                outcome = _carry_out(job, heartbeat.progress)
            _finish(job, outcome)
        except Exception as exc:
            _fail(job, exc)
        except BaseException:
            _requeue(job, reason="the worker was stopped")
            raise
    return True


def _carry_out(job: Job, progress: Progress) -> JobOutcome:
    user = job.created_by
    if user is None or not user.is_active:
        raise PermissionDenied
    return _RUNNERS[job.kind](job, progress)


def _finish(job: Job, outcome: JobOutcome) -> None:
    total = job.total if outcome.total is None else outcome.total
    try:
        finished = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts).update(
            status=Job.Status.DONE,
            finished_at=timezone.now(),
            total=total,
            done=total,
            message=outcome.message,
            result=outcome.file,
            result_name=outcome.file_name[-255:],
            params={**job.params, **outcome.params},
        )
    except BaseException:
        _delete_file(outcome.file)
        raise
    if not finished:
        # Queued again as lost while this attempt was still alive: another attempt owns it now.
        _delete_file(outcome.file)
        logger.warning("Background job %s: attempt %s lost its claim; result dropped", job.pk, job.attempts)


def _fail(job: Job, exc: Exception) -> None:
    message = failure_message(job, exc)
    try:
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=message
        )
    except DatabaseError:
        # The database itself is gone: upkeep finds the job once this worker has stopped.
        logger.exception("Background job %s: could not be marked as failed", job.pk)


def _requeue(job: Job, *, reason: str) -> None:
    """Put a running attempt back in the queue (its work was rolled back) and send it again."""
    try:
        with transaction.atomic():
            back = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts).update(
                status=Job.Status.QUEUED, worker="", task_id="", done=0, queued_at=timezone.now()
            )
            if back:
                logger.warning("Background job %s queued again: %s", job.pk, reason)
                transaction.on_commit(lambda: job_send(pk=job.pk))
    except DatabaseError:
        logger.exception("Background job %s: could not be queued again; upkeep will", job.pk)


def failure_message(job: Job, exc: Exception) -> str:
    """What the user reads on the job's page; the details of an unexpected error go to the log."""
    if isinstance(exc, PermissionDenied):
        logger.info("Background job %s refused: the user may no longer do this", job.pk)
        return _("Anda tidak lagi berhak atas data ini, jadi pekerjaan ini dihentikan.")
    if isinstance(exc, Http404):
        logger.info("Background job %s: its data is gone", job.pk)
        return _("Data yang diminta tidak ditemukan lagi.")
    if isinstance(exc, ValidationError):
        logger.info("Background job %s refused: %s", job.pk, exc.messages)
        return " ".join(exc.messages)
    logger.error("Background job %s (%s) failed", job.pk, job.kind, exc_info=exc)
    return _(
        "Terjadi kesalahan saat memproses pekerjaan #%(pk)d, jadi tidak ada hasilnya. Petugas server "
        "dapat melihat rinciannya di log; silakan coba lagi."
    ) % {"pk": job.pk}


def _delete_file(name: str) -> None:
    if not name:
        return
    try:
        result_storage().delete(name)
    except OSError:
        logger.exception("Background job file %s could not be deleted", name)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def worker_gone(job: Job, *, now: datetime.datetime) -> bool:
    """Has the process running this job stopped?

    On the same server the answer is exact (is the process still there?), so a killed worker's job
    is queued again at the next upkeep round, even on SQLite, where a long import holds the write
    lock and its heartbeat cannot be written. Of another server only the heartbeat tells:
    silent for JOB_STALE_SECONDS.
    """
    host, _, pid = job.worker.rpartition(":")
    if host and host == socket.gethostname() and pid.isdigit():
        return not _process_alive(int(pid))
    stale = now - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)
    return job.heartbeat_at is None or job.heartbeat_at < stale


def jobs_recover(*, now: datetime.datetime | None = None) -> tuple[int, int, int]:
    """Jobs the engine lost: running ones whose worker stopped (queued again, or failed after
    JOB_MAX_ATTEMPTS) and queued ones whose task is gone (sent again). Answers
    (queued again, failed, sent again)."""
    now = now or timezone.now()
    requeued = failed = resent = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING).only(
        "pk", "attempts", "worker", "heartbeat_at", "params"
    ):
        if not worker_gone(job, now=now):
            continue
        still = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts)
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
                message = _(
                    "Pekerjaan ini terhenti %(n)d kali (server dimulai ulang?) dan tidak dicoba lagi."
                ) % {"n": job.attempts}
            failed += still.update(status=Job.Status.FAILED, finished_at=now, message=message)
            continue
        if still.update(status=Job.Status.QUEUED, worker="", task_id="", done=0, queued_at=now):
            logger.warning("Background job %s: its worker (%s) stopped; queued again", job.pk, job.worker)
            requeued += 1
            job_send(pk=job.pk)
    for job in Job.objects.filter(status=Job.Status.QUEUED).only("pk", "task_id", "queued_at"):
        if _task_lost(job, now=now):
            Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED, task_id=job.task_id).update(task_id="")
            resent += job_send(pk=job.pk)
    return requeued, failed, resent


def _task_lost(job: Job, *, now: datetime.datetime) -> bool:
    """A queued job whose task will never run: never sent, or ended without claiming the job."""
    if not job.task_id:
        # job_send runs right after the commit; a minute without a task means it failed.
        return job.queued_at is None or job.queued_at < now - datetime.timedelta(seconds=60)
    if not default_task_backend.supports_get_result:
        return False
    try:
        result = default_task_backend.get_result(job.task_id)
    except TaskResultDoesNotExist:
        return True  # e.g. Redis restarted without its data
    return result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


def jobs_expire_results(*, now: datetime.datetime | None = None) -> int:
    """Delete result files older than JOB_RESULT_HOURS; their jobs become "expired"."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.JOB_RESULT_HOURS)
    expired = 0
    for job in Job.objects.filter(status=Job.Status.DONE, finished_at__lt=cutoff).exclude(result=""):
        name = job.result.name
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            message = _("Berkasnya sudah dihapus setelah %(h)d jam; buat ekspor baru bila masih perlu.") % {
                "h": settings.JOB_RESULT_HOURS
            }
        # The row first: a job never points at a file that is already gone.
        if Job.objects.filter(pk=job.pk, status=Job.Status.DONE).update(
            status=Job.Status.EXPIRED, result="", message=message
        ):
            _delete_file(name)
            expired += 1
    return expired


def worker_seen(*, name: str, backend: str, queues: str, now: datetime.datetime | None = None) -> None:
    """A worker process says it is alive (Admin Dinas sees when each was last seen)."""
    now = now or timezone.now()
    updated = Worker.objects.filter(name=name).update(last_seen_at=now)
    if not updated:
        Worker.objects.get_or_create(
            name=name, defaults={"backend": backend, "queues": queues, "started_at": now, "last_seen_at": now}
        )


def workers_forget(*, now: datetime.datetime | None = None) -> int:
    """Workers unseen for a week are forgotten (a restarted server gets new process ids)."""
    now = now or timezone.now()
    deleted, _ = Worker.objects.filter(last_seen_at__lt=now - datetime.timedelta(days=7)).delete()
    return deleted
