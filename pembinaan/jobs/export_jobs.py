"""Exports too long for a request (issue 7): the same table, written by a job into private storage.

Each list's export is an `ExportTable` made by its app (registry, coaching, funding `exports.py`)
from the user and the list's query string, access checks first; each app registers its lists here
(`register_export_source`, from its AppConfig.ready()). A view hands that over to `export_or_job`: up to EXPORT_INLINE_MAX_ROWS rows the file is the response, as always; above, a
job remembers the source, format, query string and user, and makes the table again when it runs,
with that user's permissions as they are then (NIK masking, the full-NIK access log, aggregates only
for council members all come with the table).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.jobs.models import Job
from pembinaan.jobs.services import JobOutcome, Progress, job_enqueue, result_storage
from pembinaan.lib.exports import (
    ExportTable,
    export_file_name,
    one_snapshot,
    require_format,
    table_response,
    write_export,
)

# The heartbeat reads the count; counting every row would cost nothing, but this reads better.
PROGRESS_EVERY = 500


_SOURCES: dict[str, Callable[..., ExportTable]] = {}


def register_export_source(name: str, make_table: Callable[..., ExportTable]) -> None:
    """`make_table(user=…, query=…, **ids)` checks the user's access and answers the table."""
    _SOURCES[name] = make_table


def _sources() -> dict[str, Callable[..., ExportTable]]:
    """Every list that exports, by the name a job stores; each checks the user's access first."""
    return _SOURCES


def export_or_job(request: HttpRequest, *, source: str, fmt: str, **ids: int) -> HttpResponseBase:
    """The export as a download when it is short; else a job, and a redirect to the job's page."""
    require_format(fmt)
    table = _sources()[source](user=request.user, query=request.GET, **ids)
    total = table.count()
    if total <= settings.EXPORT_INLINE_MAX_ROWS:
        return table_response(table, fmt=fmt)
    try:
        job = export_enqueue(
            by=request.user,
            source=source,
            fmt=fmt,
            query=request.GET.urlencode(),
            ids=ids,
            title=table.title,
            total=total,
        )
    except ValidationError as exc:  # too many jobs waiting for this person
        messages.error(request, " ".join(exc.messages))
        return redirect("jobs:job-list")
    messages.info(
        request,
        _(
            "Daftar ini berisi %(n)s baris, jadi berkasnya disiapkan di latar belakang. Halaman ini "
            "memperbarui dirinya sendiri; unduh berkasnya begitu selesai."
        )
        % {"n": f"{total:,}".replace(",", ".")},
    )
    return redirect(job)


def export_enqueue(
    *, by: User, source: str, fmt: str, query: str, ids: dict[str, int], title: Any, total: int
) -> Job:
    """Queue an export, or answer the same export this person already has waiting or running."""
    if source not in _sources():
        raise ValueError(f"unknown export source {source!r}")
    params = {"source": source, "fmt": require_format(fmt), "query": query, "ids": ids}
    # The same list, filters and format asked again by the same person is the same job.
    digest = hashlib.sha256(json.dumps([by.pk, params], sort_keys=True).encode()).hexdigest()[:32]
    return job_enqueue(
        kind=Job.Kind.EXPORT,
        by=by,
        key=f"ekspor:{digest}",
        title=f"{title} (.{fmt})",
        params=params,
        total=total,
    )


def export_run(job: Job, progress: Progress) -> JobOutcome:
    """Make the table again as the job's creator and write it to a temporary file, then to storage.

    Only a completely written file reaches storage; one that fails while being stored is deleted.
    A full-NIK export logs its owners before their rows are written (`registry.exports.logged_rows`).
    """
    params = job.params
    fmt = require_format(params["fmt"])
    table = _sources()[params["source"]](
        user=job.created_by, query=QueryDict(params["query"]), **params.get("ids", {})
    )
    counter = _Counter(progress)
    storage = result_storage()
    name = storage.generate_filename(f"pekerjaan/{timezone.localdate():%Y%m}/{secrets.token_hex(16)}.{fmt}")
    with tempfile.TemporaryFile(suffix=f".{fmt}") as file:
        # One snapshot: a full-NIK export logs its owners in one statement before reading its rows,
        # and the log commits only with a completely written file.
        with one_snapshot():
            write_export(table, file, fmt=fmt, rows=counter.counted(table.rows))
        file.seek(0)
        try:
            name = storage.save(name, File(file, name=name))
        except BaseException:
            storage.delete(name)
            raise
    return JobOutcome(
        file=name,
        file_name=export_file_name(table.filename, fmt),
        total=counter.n,
        params={"permissions": list(table.permissions)},
    )


class _Counter:
    def __init__(self, progress: Progress):
        self.n, self.progress = 0, progress

    def counted(self, rows: Iterable[Any]) -> Iterator[Any]:
        for row in rows:
            yield row
            self.n += 1
            if self.n % PROGRESS_EVERY == 0:
                self.progress(self.n)
