"""The life of a background job: queued by a view, claimed and carried out once, then kept or expired.

Where a job runs is `settings.JOBS_MODE`:
- "thread" (the default, so `make run` needs nothing more): a daemon thread of the same process
  starts it once the transaction that queued it commits;
- "inline": it runs at that commit, in the same thread (tests);
- "worker": nothing starts it; `manage.py run_jobs` does.

Whatever the mode, `run_jobs` is the safety net: it runs jobs left queued, re-queues a running job
whose heartbeat stopped (its process died) and deletes result files older than JOB_RESULT_HOURS.
A job is claimed by a conditional UPDATE (status queued → running), which only one worker can win
on any database; each claim raises `attempts`, and a worker finishes only the attempt it claimed.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.jobs.models import Job

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


def _runners() -> dict[str, Callable[[Job, Progress], JobOutcome]]:
    from pembinaan.jobs import export_jobs, import_jobs

    return {
        Job.Kind.EXPORT: export_jobs.export_run,
        Job.Kind.IMPORT_PREVIEW: import_jobs.import_preview_run,
        Job.Kind.IMPORT_CONFIRM: import_jobs.import_confirm_run,
    }


def result_storage():
    return Job._meta.get_field("result").storage


@transaction.atomic
def job_enqueue(
    *, kind: str, by: User, title: str, params: dict | None = None, total: int = 0, key: str = ""
) -> Job:
    """Queue a job for `by`; it starts once this transaction commits (see JOBS_MODE).

    The job speaks the language of the request that asked for it (messages, export headers).
    """
    job = Job(
        kind=kind,
        key=key,
        title=str(title)[:200],
        params={**(params or {}), "language": translation.get_language() or settings.LANGUAGE_CODE},
        created_by=by,
        total=total,
    )
    job.full_clean()  # includes the one-active-job-per-key constraint, with its own message
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError as exc:  # a second request got in between the check and the insert
        raise ValidationError(
            _("Pekerjaan yang sama sedang berjalan; tunggu sampai selesai."), code="busy"
        ) from exc
    _start_after_commit(job.pk)
    return job


def _start_after_commit(pk: int) -> None:
    mode = settings.JOBS_MODE
    if mode == "inline":
        transaction.on_commit(lambda: job_run(pk))
    elif mode == "thread":
        transaction.on_commit(lambda: _start_thread(pk))
    # "worker": `run_jobs` picks it up.


# At most JOBS_THREADS jobs at once in a web process; the others wait for a slot, still queued.
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


def _thread_slots() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(max(1, settings.JOBS_THREADS))
        return _slots


def _start_thread(pk: int) -> None:
    threading.Thread(target=_run_in_thread, args=(pk,), name=f"job-{pk}", daemon=True).start()


def _run_in_thread(pk: int) -> None:
    try:
        with _thread_slots():
            job_run(pk)
    except Exception:
        logger.exception("Background job %s: the thread stopped on an error", pk)
    finally:
        # The connection this thread opened: nothing else would ever close it.
        connections.close_all()


class _Heartbeat:
    """Writes the job's progress and "still alive" time every JOB_HEARTBEAT_SECONDS.

    From a thread of its own, with its own database connection: the work may be one long
    transaction (a confirmed import), and writes made inside it would be invisible to the job's page
    and to `run_jobs` until it commits, which would then think the job's process had died.
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
            logger.warning("Background job %s: heartbeat not written", self.pk, exc_info=True)


def job_run(pk: int) -> bool:
    """Claim a queued job and carry it out; False when it was not queued (someone else has it).

    Every error ends in status "failed" with a message for the user (the traceback goes to the log);
    a result file is kept only once it is completely written, and only by the attempt that claimed it.
    """
    now = timezone.now()
    claimed = Job.objects.filter(pk=pk, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
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
    return True


def _carry_out(job: Job, progress: Progress) -> JobOutcome:
    user = job.created_by
    if user is None or not user.is_active:
        raise PermissionDenied
    return _runners()[job.kind](job, progress)


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
        # Re-queued as stale while this attempt was still alive: another attempt owns the job now.
        _delete_file(outcome.file)
        logger.warning("Background job %s: attempt %s lost its claim; result dropped", job.pk, job.attempts)


def _fail(job: Job, exc: Exception) -> None:
    message = failure_message(job, exc)
    try:
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=message
        )
    except DatabaseError:
        # The database itself is gone: the job stays "running" until `run_jobs` finds it stale.
        logger.exception("Background job %s: could not be marked as failed", job.pk)


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


def jobs_requeue_stale(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Running jobs whose heartbeat stopped (their process died): queued again, or failed after
    JOB_MAX_ATTEMPTS. Answers (re-queued, failed).

    A confirmed import that died was rolled back with its connection, so running it again is safe.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.JOB_STALE_MINUTES)
    requeued = failed = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff):
        stale = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
                message = _(
                    "Pekerjaan ini terhenti %(n)d kali (server dimulai ulang?) dan tidak dicoba lagi."
                ) % {"n": job.attempts}
            failed += stale.update(status=Job.Status.FAILED, finished_at=now, message=message)
        else:
            requeued += stale.update(status=Job.Status.QUEUED, done=0)
            logger.warning(
                "Background job %s: heartbeat stale since %s, queued again", job.pk, job.heartbeat_at
            )
    return requeued, failed


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


def jobs_run_queued() -> int:
    """Run every queued job, oldest first, until none is left; answers how many this process ran."""
    ran, tried = 0, set()
    while True:
        pk = (
            Job.objects.filter(status=Job.Status.QUEUED)
            .exclude(pk__in=tried)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            return ran
        tried.add(pk)
        ran += job_run(pk)
