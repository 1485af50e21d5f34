"""Import workflows: upload, map columns, dry run, confirm; the web screens and `import_data` share them.

A confirmed import runs in one transaction: with refused rows it changes nothing (the default) or,
when the user chose "valid rows only", writes the valid rows and records the refused ones. The file
is read again from the bytes kept with the run, so what is written is exactly what was previewed.
"""

from __future__ import annotations

import datetime
import hashlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.imports.columns import find_header_row, guess_mapping
from pembinaan.imports.importers import registration
from pembinaan.imports.models import ImportedRecord, ImportRun
from pembinaan.imports.reading import read_table
from pembinaan.jobs.models import Job
from pembinaan.lib.bulk_insert import insert_columns, insert_rows


def importer_for(kind: str, *, by: User | None = None, options: dict | None = None):
    """The importer that the app owning this kind of data registered, made for one run."""
    return registration(kind).importer(by=by, options=options)


def columns_for(kind: str):
    return registration(kind).importer.columns


@dataclass
class Sheet:
    header_row: int  # 1-based
    headers: list[str]
    records: list[tuple[int, list[str]]]  # (row number in the file, cells)


def _sheet(data: bytes, file_name: str, kind: str) -> Sheet:
    table = read_table(data, file_name)
    index = find_header_row(table.rows, columns_for(kind))
    if index is None:
        raise ValidationError(
            _(
                "Tidak ada baris judul kolom yang dikenali di %(n)d baris pertama; unduh templat "
                "untuk melihat judul kolom yang diharapkan."
            )
            % {"n": min(len(table.rows), 15)},
            code="no_header",
        )
    headers = table.rows[index]
    records = [
        (number, cells)
        for number, cells in enumerate(table.rows[index + 1 :], start=index + 2)
        if any(cell != "" for cell in cells)
    ]
    if not records:
        raise ValidationError(
            _("Berkas hanya berisi judul kolom, tidak ada baris data."), code="headers_only"
        )
    return Sheet(header_row=index + 1, headers=headers, records=records)


@transaction.atomic
def import_start(
    *, kind: str, file_name: str, data: bytes, by: User | None, via: str = "web", options: dict | None = None
) -> ImportRun:
    """Check and read the file, find its header row and guess the column mapping."""
    importer_for(kind, by=by, options=options)  # an unknown kind or a missing option: refused first
    sheet = _sheet(data, file_name, kind)
    run = ImportRun.objects.create(
        kind=kind,
        file_name=file_name[-255:],
        file_format=file_name.rsplit(".", 1)[-1].lower(),
        checksum=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content=data,
        header_row=sheet.header_row,
        headers=sheet.headers,
        mapping=guess_mapping(sheet.headers, columns_for(kind)),
        rows_total=len(sheet.records),
        created_by=by,
        via=via,
        options=options or {},
    )
    run._sheet = sheet  # read once per process: the preview in the same request reuses it
    return run


def _mapped(sheet: Sheet, mapping: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each record as {column key: cell}, made as it is consumed (memory stays flat)."""
    pairs = [(i, key) for i, key in enumerate(mapping) if key]
    for number, cells in sheet.records:
        width = len(cells)
        # Cells are already stripped by the reader, which also keeps a number's type (NumberCell).
        yield number, {key: (cells[i] if i < width else "") for i, key in pairs}


def _check_mapping(kind: str, mapping: list[str], headers: list[str]) -> None:
    keys = {c.key for c in columns_for(kind)}
    used = [key for key in mapping if key]
    if len(mapping) != len(headers) or any(key not in keys for key in used):
        raise ValidationError({"mapping": _("Pemetaan kolom tidak sah.")})
    doubled = {key for key in used if used.count(key) > 1}
    if doubled:
        labels = {c.key: c.label for c in columns_for(kind)}
        raise ValidationError(
            {
                "mapping": _("Satu kolom dipetakan dua kali: %(cols)s.")
                % {"cols": ", ".join(labels[k] for k in doubled)}
            }
        )


def _run_plan(run: ImportRun, progress: Callable[[int], None] | None = None):
    sheet = getattr(run, "_sheet", None) or _sheet(bytes(run.content), run.file_name, run.kind)
    importer = importer_for(run.kind, by=run.created_by, options=run.options)
    plan = importer.plan(_mapped(sheet, run.mapping), total=len(sheet.records), progress=progress)
    _keep_bad_rows(run, sheet, plan)
    return importer, plan


def _keep_bad_rows(run: ImportRun, sheet: Sheet, plan) -> None:
    """The refused rows as they were in the file, for the download of rows to fix."""
    refused = set(plan.refused_rows)
    run.bad_rows = [[number, *cells] for number, cells in sheet.records if number in refused]


def _store_counts(run: ImportRun, plan) -> None:
    run.rows_total = plan.rows_total
    run.created_count, run.updated_count = plan.created, plan.updated
    run.skipped_count, run.refused_count = plan.skipped, plan.refused
    run.errors, run.notes = plan.errors, plan.notes


def import_preview(
    *,
    run: ImportRun,
    mapping: list[str] | None = None,
    valid_rows_only: bool | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportRun:
    """The dry run: what the import would do, row by row. Writes nothing but the run's record."""
    if run.status not in (ImportRun.Status.NEW, ImportRun.Status.PREVIEWED):
        raise ValidationError(_("Impor ini sudah selesai atau dibatalkan."))
    if mapping is not None:
        _check_mapping(run.kind, mapping, run.headers)
        run.mapping = mapping
    if valid_rows_only is not None:
        run.valid_rows_only = valid_rows_only
    _importer, plan = _run_plan(run, progress)
    _store_counts(run, plan)
    run.status = ImportRun.Status.PREVIEWED
    run.save()
    return run


def import_confirm(
    *, run: ImportRun, by: User | None, progress: Callable[[int], None] | None = None
) -> ImportRun:
    """Carry out a previewed import in one transaction, and record what it created and changed."""
    # Whether this import is its own transaction (the web, the command line, a job), and not a part
    # of a caller's: only then may a second connection read beside it (see _plan_and_write).
    own_transaction = not transaction.get_connection().in_atomic_block
    with transaction.atomic():
        return _confirm(run=run, by=by, progress=progress, own_transaction=own_transaction)


def _confirm(*, run: ImportRun, by: User | None, progress, own_transaction: bool) -> ImportRun:
    # Locked: a double click on "confirm" must not import the file twice.
    sheet = getattr(run, "_sheet", None)
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    run._sheet = sheet
    if run.status != ImportRun.Status.PREVIEWED:
        raise ValidationError(_("Impor ini belum dipratinjau, atau sudah selesai."))
    importer = importer_for(run.kind, by=run.created_by, options=run.options)
    if (
        own_transaction
        and importer.writes_while_planning
        and transaction.get_connection().vendor == "postgresql"
    ):
        try:
            with transaction.atomic():  # a savepoint: what was written goes if the file is refused
                plan, touched = _plan_and_write(run, importer, by=by, progress=progress)  # and recorded
                if plan.refused and not run.valid_rows_only:
                    raise _Refused(plan)
        except _Refused as refused:
            plan, touched = refused.plan, None
    else:
        importer, plan = _run_plan(run, progress)
        touched = None
    run.__dict__.pop("_sheet", None)  # the table is no longer needed: free it before writing
    _store_counts(run, plan)
    if plan.refused and not run.valid_rows_only:
        run.status = ImportRun.Status.REFUSED
        run.message = _(
            "%(n)d baris ditolak, jadi tidak ada yang diimpor. Perbaiki baris itu, atau pilih "
            '"impor baris yang sah saja".'
        ) % {"n": plan.refused}
        _finish(run)
        return run
    if touched is None:
        touched = importer.apply(plan, by=by, run_id=run.pk)
        _record(run, touched)
    importer.after_write(touched)  # e.g. the registry's tallies and duplicate list
    run.status = ImportRun.Status.DONE
    _finish(run)
    return run


class _Refused(Exception):
    def __init__(self, plan):
        super().__init__("refused rows")
        self.plan = plan


class _Stop(Exception):
    """Tells the planning thread that the writer has given up."""


def _plan_and_write(run: ImportRun, importer, *, by: User | None, progress):
    """Plan the file in a second thread while this one writes what is planned, piece by piece.

    Planning (and preparing the rows to write) is Python work and writing is mostly the database
    server's (inserts, indexes, key checks): side by side they use both cores instead of taking
    turns, and the writing thread does almost no Python, so it never waits for the other's. The
    planner reads through its own connection, which sees the data as committed before this import,
    exactly what a plan made before writing would see; rows repeated within the file are caught by
    the planner itself. Only used when the import is its own transaction on PostgreSQL
    (import_confirm).
    """
    sheet = getattr(run, "_sheet", None) or _sheet(bytes(run.content), run.file_name, run.kind)
    pieces: queue.Queue = queue.Queue()
    stop = threading.Event()
    outcome: dict = {}

    def hand_over(plan) -> None:
        if stop.is_set():
            raise _Stop
        # Ids and COPY text made here, so that the writing thread only waits on the database; when
        # the file will be refused, nothing more is worth writing.
        prepared = importer.prepare_planned(plan, by=by, keep=not (plan.refused and not run.valid_rows_only))
        pieces.put((prepared, plan.rows_total))

    def planner() -> None:
        try:
            outcome["plan"] = importer.plan(
                _mapped(sheet, run.mapping), total=len(sheet.records), on_chunk=hand_over
            )
        except BaseException as exc:  # noqa: BLE001 - handed to the writer, which raises it
            outcome["error"] = exc
        finally:
            connections.close_all()  # this thread's own connection
            pieces.put(None)

    thread = threading.Thread(target=planner, name=f"import-{run.pk}-plan", daemon=True)
    thread.start()
    touched = importer.touched()
    try:
        with transaction.get_connection().cursor() as cursor:
            # Key checks at each insert rather than all at the commit, while the planner still works.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        while (piece := pieces.get()) is not None:
            prepared, rows_done = piece
            if prepared is not None:
                written = importer.touched()
                importer.write_prepared(prepared, touched=written, run_id=run.pk)
                _record_into(run, written, touched)  # recorded as written, while the planner works
            if progress:
                progress(rows_done)
        with transaction.get_connection().cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's way for what follows
    finally:
        stop.set()
        while thread.is_alive():  # let a planner blocked on nothing finish; drain what it sends
            try:
                pieces.get(timeout=0.1)
            except queue.Empty:
                pass
        thread.join()
    if "error" in outcome and not isinstance(outcome["error"], _Stop):
        raise outcome["error"]
    plan = outcome["plan"]
    _keep_bad_rows(run, sheet, plan)
    if not (plan.refused and not run.valid_rows_only):
        changes = importer.touched()
        importer.write_changes(plan, by=by, touched=changes)
        _record_into(run, changes, touched)
    return plan, touched


def _record_into(run: ImportRun, written: dict[str, list], touched: dict[str, list]) -> None:
    """Record what one piece wrote, and add it to what the whole import touched."""
    _record(run, written)
    for model, items in written.items():
        touched[model].extend(items)


def _finish(run: ImportRun) -> None:
    run.finished_at = timezone.now()
    run.content = None  # the bytes are not kept once the import is over; the checksum is
    run.save()


def imports_drop_old_files(*, now: datetime.datetime | None = None) -> int:
    """Delete the bytes (NIKs, phone numbers) of every run older than IMPORT_FILE_HOURS.

    A finished run dropped them already; this catches the abandoned ones: a file uploaded and never
    confirmed, an `import_data` killed half-way. Such a run is cancelled (its checksum, counts and
    refused rows stay). A run a background job is still working on is left alone.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.IMPORT_FILE_HOURS)
    busy = {
        key.split(":", 1)[1]
        for key in Job.objects.filter(key__startswith="impor:", status__in=Job.ACTIVE).values_list(
            "key", flat=True
        )
    }
    dropped = 0
    for run in ImportRun.objects.filter(content__isnull=False, created_at__lt=cutoff).defer("content"):
        if run.job_key.split(":", 1)[1] in busy:
            continue
        message = _("Berkas ini dihapus setelah %(h)d jam tanpa diselesaikan; unggah lagi bila perlu.") % {
            "h": settings.IMPORT_FILE_HOURS
        }
        abandoned = ImportRun.objects.filter(
            pk=run.pk, status__in=[ImportRun.Status.NEW, ImportRun.Status.PREVIEWED]
        ).update(status=ImportRun.Status.CANCELLED, content=None, finished_at=now, message=message)
        if not abandoned:
            ImportRun.objects.filter(pk=run.pk).update(content=None)
        dropped += 1
    return dropped


def import_cancel(*, run: ImportRun) -> ImportRun:
    if run.status in (ImportRun.Status.NEW, ImportRun.Status.PREVIEWED):
        run.status = ImportRun.Status.CANCELLED
        _finish(run)
    return run


def _record(run: ImportRun, touched: dict[str, list]) -> None:
    now = timezone.now()
    for model, items in touched.items():
        # Created records have no changed-field list: the database builds those rows from two
        # lists of numbers, so a 100,000-row import spends no Python on them one by one.
        created = [(pk, row) for pk, row, action, fields in items if action == "dibuat" and not fields]
        if created:
            pks, rows = zip(*created, strict=True)
            insert_columns(
                ImportedRecord,
                {"object_id": list(pks), "row": list(rows)},
                same={"run_id": run.pk, "model": model, "action": "dibuat", "fields": []},
                now=now,
            )
        others = [item for item in items if item[2] != "dibuat" or item[3]]
        for start in range(0, len(others), 20_000):
            rows = [
                {
                    "run_id": run.pk,
                    "model": model,
                    "object_id": pk,
                    "row": row,
                    "action": action,
                    "fields": fields,
                }
                for pk, row, action, fields in others[start : start + 20_000]
            ]
            insert_rows(ImportedRecord, rows, now=now, keep_ids=False)


def run_file(
    *,
    kind: str,
    file_name: str,
    data: bytes,
    by: User | None,
    dry_run: bool = False,
    valid_rows_only: bool = False,
    progress: Callable[[int], None] | None = None,
    via: str = "cli",
    options: dict | None = None,
) -> ImportRun:
    """Everything at once, with the guessed mapping (the command line's path)."""
    run = import_start(kind=kind, file_name=file_name, data=data, by=by, via=via, options=options)
    run.dry_run, run.valid_rows_only = dry_run, valid_rows_only
    if dry_run:
        run = import_preview(run=run, progress=progress)
        _finish(run)
        return run
    # No separate preview: the confirmed run plans the file once, and refuses as the preview would.
    run.status = ImportRun.Status.PREVIEWED
    run.save(update_fields=["status", "dry_run", "valid_rows_only"])
    return import_confirm(run=run, by=by, progress=progress)


def import_preview_check(*, run: ImportRun, mapping: list[str]) -> None:
    """What `import_preview` refuses before it reads the file, checked before a dry run is queued as
    a background job, so that a wrong mapping is a form error rather than a failed job."""
    if run.status not in (ImportRun.Status.NEW, ImportRun.Status.PREVIEWED):
        raise ValidationError(_("Impor ini sudah selesai atau dibatalkan."))
    _check_mapping(run.kind, mapping, run.headers)
