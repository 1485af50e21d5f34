"""Imports too long for a request: the dry run and the confirmed import of a large file as jobs.

They call the import services themselves (`import_preview`, `import_confirm`) with the job's
progress, as the requesting user, whose import permission is checked again when the job runs. One
key per import run ("impor:<id>") means at most one queued or running job per run: a second
"confirm" while the first is waiting or running is refused, and `import_confirm` locks the run too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.imports.access import get_run_for_user
from pembinaan.imports.models import ImportRun
from pembinaan.imports.services import import_confirm, import_preview, import_preview_check
from pembinaan.jobs.models import Job
from pembinaan.jobs.services import JobOutcome, Progress, job_enqueue


def run_key(run: ImportRun) -> str:
    return run.job_key


def import_job_latest(run: ImportRun) -> Job | None:
    """The run's most recent background job (dry run or import), if it ever had one."""
    return Job.objects.filter(key=run_key(run)).order_by("-created_at", "-pk").first()


def import_preview_enqueue(*, run: ImportRun, by: User, mapping: list[str], valid_rows_only: bool) -> Job:
    import_preview_check(run=run, mapping=mapping)
    return job_enqueue(
        kind=Job.Kind.IMPORT_PREVIEW,
        by=by,
        key=run_key(run),
        title=_("Pratinjau impor #%(pk)d: %(name)s") % {"pk": run.pk, "name": run.file_name},
        params={"run": run.pk, "mapping": mapping, "valid_rows_only": valid_rows_only},
        total=run.rows_total,
    )


def import_confirm_enqueue(*, run: ImportRun, by: User) -> Job:
    if run.status != ImportRun.Status.PREVIEWED:
        raise ValidationError(_("Impor ini belum dipratinjau, atau sudah selesai."))
    return job_enqueue(
        kind=Job.Kind.IMPORT_CONFIRM,
        by=by,
        key=run_key(run),
        title=_("Impor #%(pk)d: %(name)s") % {"pk": run.pk, "name": run.file_name},
        params={"run": run.pk},
        total=run.rows_total,
    )


def import_preview_run(job: Job, progress: Progress) -> JobOutcome:
    run = get_run_for_user(job.created_by, job.params["run"])
    run = import_preview(
        run=run,
        mapping=job.params["mapping"],
        valid_rows_only=job.params["valid_rows_only"],
        progress=progress,
    )
    return JobOutcome(
        message=_(
            "Pratinjau selesai: %(c)d akan dibuat, %(u)d akan diperbarui, %(s)d dilewati, %(r)d ditolak."
        )
        % _counts(run),
        total=run.rows_total,
    )


def import_confirm_run(job: Job, progress: Progress) -> JobOutcome:
    run = get_run_for_user(job.created_by, job.params["run"])
    run = import_confirm(run=run, by=job.created_by, progress=progress)
    if run.status != ImportRun.Status.DONE:
        return JobOutcome(message=run.message, total=run.rows_total)
    return JobOutcome(
        message=_("Impor selesai: %(c)d dibuat, %(u)d diperbarui, %(s)d dilewati, %(r)d ditolak.")
        % _counts(run),
        total=run.rows_total,
    )


def _counts(run: ImportRun) -> dict[str, int]:
    return {"c": run.created_count, "u": run.updated_count, "s": run.skipped_count, "r": run.refused_count}
