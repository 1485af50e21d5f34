"""Import workflows: upload, map columns, dry run, confirm; the web screens and `import_data` share them.

A confirmed import runs in one transaction: with refused rows it changes nothing (the default) or,
when the user chose "valid rows only", writes the valid rows and records the refused ones. The file
is read again from the bytes kept with the run, so what is written is exactly what was previewed.
"""

from __future__ import annotations

import datetime
import hashlib
import queue
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.imports.columns import header_key
from pembinaan.imports.headers import (
    POSITION,
    HeaderMatch,
    HeaderMatcher,
    find_header_row,
    header_fingerprint,
)
from pembinaan.imports.importers import registration
from pembinaan.imports.models import HeaderMapping, ImportedRecord, ImportRun
from pembinaan.imports.reading import NumberCell, read_table
from pembinaan.jobs.models import Job
from pembinaan.lib.bulk_insert import insert_columns, insert_rows
from pembinaan.lib.identifiers import mask_nik

SAMPLES = 3  # values shown from each column on the mapping screen and in the command's refusal


def importer_for(
    kind: str, *, by: User | None = None, options: dict | None = None, factors: dict | None = None
):
    """The importer that the app owning this kind of data registered, made for one run."""
    return registration(kind).importer(by=by, options=options, factors=factors)


def columns_for(kind: str):
    return registration(kind).importer.columns


def matcher_for(kind: str) -> HeaderMatcher:
    """The header matcher of a kind, with the words its importer brings (issue 19)."""
    return registration(kind).importer.header_matcher()


class MappingIncomplete(ValidationError):
    """Columns left unplaced, or two columns claiming one field: nothing is imported until each
    column is mapped or ignored. Carries the match and the sample values, to say which and why."""

    def __init__(self, match: HeaderMatch, headers: list[str], samples: list[list[str]]):
        super().__init__(match.problems, code="unplaced")
        self.match, self.headers, self.samples = match, headers, samples


@dataclass
class Sheet:
    header_row: int  # 1-based
    headers: list[str]
    records: list[tuple[int, list[str]]]  # (row number in the file, cells)


def _sheet(data: bytes, file_name: str, kind: str) -> Sheet:
    table = read_table(data, file_name)
    index = find_header_row(table.rows, matcher_for(kind))
    if index is None:
        raise ValidationError(
            _(
                "Tidak ada baris judul kolom yang dikenali di %(n)d baris pertama; unduh templat "
                "untuk melihat judul kolom yang diharapkan."
            )
            % {"n": min(len(table.rows), 15)},
            code="no_header",
        )
    headers = list(table.rows[index])
    records = [
        (number, cells)
        for number, cells in enumerate(table.rows[index + 1 :], start=index + 2)
        if any(cell != "" for cell in cells)
    ]
    if not records:
        raise ValidationError(
            _("Berkas hanya berisi judul kolom, tidak ada baris data."), code="headers_only"
        )
    # Cells beyond the header row's last column (a CSV row longer than its header) are columns too:
    # without a header, they are reported rather than dropped.
    width = max(len(cells) for _n, cells in records)
    headers += [""] * (width - len(headers))
    return Sheet(header_row=index + 1, headers=headers, records=records)


_LONG_NUMBER = re.compile(r"\d[\d .\-]{13,}\d")


def _sample_text(value: str) -> str:
    """A cell as the mapping screen shows it: a NIK-length number masked (rule 10b), shortened."""
    text = value.removesuffix(".0") if isinstance(value, NumberCell) else str(value)

    def mask(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group())
        return mask_nik(digits) if len(digits) >= 15 else match.group()

    text = _LONG_NUMBER.sub(mask, text)
    return text if len(text) <= 60 else text[:59] + "…"


def _column_samples(sheet: Sheet) -> list[list[str]]:
    """The first SAMPLES values that are not empty in each column (a column is read to its end
    only while it has fewer, so a header-less column with one value far down is still seen)."""
    samples: list[list[str]] = [[] for _h in sheet.headers]
    wanted = set(range(len(sheet.headers)))
    for _number, cells in sheet.records:
        for i in [i for i in wanted if i < len(cells) and cells[i] != ""]:
            samples[i].append(_sample_text(cells[i]))
            if len(samples[i]) == SAMPLES:
                wanted.discard(i)
        if not wanted:
            break
    return samples


def _sample_rows(samples: list[list[str]]) -> list[list[str]]:
    """The samples as rows, the form `HeaderMatcher.match` reads them in."""
    return [[column[k] if k < len(column) else "" for column in samples] for k in range(SAMPLES)]


def header_match(run: ImportRun, assigned: Mapping[str, str] | None = None) -> HeaderMatch:
    """Where each column of the run's file goes, with the run's choices (or those given)."""
    chosen = run.assigned if assigned is None else assigned
    return matcher_for(run.kind).match(run.headers, samples=_sample_rows(run.samples), assigned=chosen)


def _column_key(headers: list[str], index: int) -> str:
    """How a choice names a column: its header, or "#3" when it has none or shares it."""
    key = header_key(headers[index])
    if key and sum(header_key(h) == key for h in headers) == 1:
        return str(headers[index]).strip()
    return f"#{index + 1}"


def _choices(headers: list[str], match: HeaderMatch, auto: HeaderMatch) -> dict[str, str]:
    """The choices in `match` that the headers alone did not make, one per column: what is
    remembered for the layout."""
    chosen: dict[str, str] = {}
    for column, alone in zip(match.columns, auto.columns, strict=True):
        if column.reason not in ("assigned", "ignored"):
            continue
        if column.field == alone.field and (column.field or alone.reason in ("row_number", "empty")):
            continue  # the header says as much by itself
        chosen[_column_key(headers, column.index)] = column.field or ""
    return chosen


def _check_choices(kind: str, headers: list[str], assigned: Mapping[str, str], header_row: int) -> None:
    """Choices given with the file (the command's --map, --ignore and --mapping) must name its
    columns and this kind's fields."""
    keys = {c.key for c in columns_for(kind)}
    present = {header_key(h) for h in headers}
    problems = []
    for header, field in assigned.items():
        number = int(header[1:]) if POSITION.fullmatch(header) else 0
        if number > len(headers) or (not number and header_key(header) not in present):
            problems.append(
                _("Kolom “%(header)s” tidak ada di berkas (judul kolom di baris %(row)d).")
                % {"header": header, "row": header_row}
            )
        if field and field not in keys:
            problems.append(
                _("“%(field)s” bukan isian impor ini; pilih salah satu: %(keys)s.")
                % {"field": field, "keys": ", ".join(c.key for c in columns_for(kind))}
            )
    if problems:
        raise ValidationError(problems, code="bad_choice")


def _remembered(kind: str, headers: list[str]) -> HeaderMapping | None:
    return (
        HeaderMapping.objects.filter(kind=kind, fingerprint=header_fingerprint(headers))
        .select_related("run", "created_by")
        .first()
    )


def _usable(kind: str, assigned: Mapping[str, str]) -> dict[str, str]:
    """A remembered mapping without the fields the kind no longer has (those columns are asked again)."""
    keys = {c.key for c in columns_for(kind)}
    return {header: field for header, field in assigned.items() if not field or field in keys}


def _remember(run: ImportRun, chosen: dict[str, str], by: User | None) -> None:
    """Keep the choices a user confirmed for this layout; none needed, and none are kept."""
    fingerprint = header_fingerprint(run.headers)
    if not chosen:
        HeaderMapping.objects.filter(kind=run.kind, fingerprint=fingerprint).delete()
        return
    HeaderMapping.objects.update_or_create(
        kind=run.kind,
        fingerprint=fingerprint,
        defaults={"headers": run.headers, "assigned": chosen, "run": run, "created_by": by},
    )


def remembered_note(mapping: HeaderMapping) -> str:
    """ "Pemetaan diingat dari impor #12 (3 Desember 2026)": where a remembered mapping came from."""
    when = date_format(timezone.localtime(mapping.updated_at), "j F Y")
    if mapping.run_id:
        return _("Pemetaan diingat dari impor #%(run)d (%(date)s).") % {"run": mapping.run_id, "date": when}
    return _("Pemetaan diingat dari impor sebelumnya (%(date)s).") % {"date": when}


def factor_notes(run: ImportRun) -> list[str]:
    """One sentence per column whose numbers are multiplied (a per-month turnover × 12, "(Rp juta)")."""
    notes = []
    for field, factor in run.factors.items():
        if field not in run.mapping:
            continue
        header = run.headers[run.mapping.index(field)]
        notes.append(
            _(
                "Kolom “%(header)s”: nilainya dikalikan %(factor)s (per bulan menjadi setahun, atau satuan di judul)."
            )
            % {"header": header, "factor": f"{factor:,}".replace(",", ".")}
        )
    return notes


def skipped_notes(run: ImportRun) -> list[str]:
    """One line per column of the file that the import does not read, and why (nothing unsaid)."""
    match = header_match(run)
    notes = []
    for column in match.columns:
        if run.mapping[column.index] or column.reason == "empty" or not column.header:
            continue
        why = column.message if column.field is None else _("Diabaikan atas pilihan Anda")
        notes.append(
            _("Kolom %(n)d “%(header)s” tidak diimpor: %(why)s")
            % {"n": column.index + 1, "header": column.header, "why": why}
        )
    return notes


@transaction.atomic
def import_start(
    *,
    kind: str,
    file_name: str,
    data: bytes,
    by: User | None,
    via: str = "web",
    options: dict | None = None,
    assigned: Mapping[str, str] | None = None,
    require_complete: bool = False,
) -> ImportRun:
    """Check and read the file, find its header row and place its columns.

    A mapping remembered for the same layout is applied, then the choices given (`assigned`:
    header or "#3" → field key, "" to ignore). With `require_complete` (the command line), a column
    still unplaced, or a field claimed by two columns, refuses the file before anything is kept
    (`MappingIncomplete`); the web asks on its mapping screen instead.
    """
    importer_for(kind, by=by, options=options)  # an unknown kind or a missing option: refused first
    sheet = _sheet(data, file_name, kind)
    if assigned:
        _check_choices(kind, sheet.headers, assigned, sheet.header_row)
    samples = _column_samples(sheet)
    remembered = _remembered(kind, sheet.headers)
    chosen = {**(_usable(kind, remembered.assigned) if remembered else {}), **(assigned or {})}
    matcher = matcher_for(kind)
    match = matcher.match(sheet.headers, samples=_sample_rows(samples), assigned=chosen)
    if require_complete and not match.ok:
        raise MappingIncomplete(match, sheet.headers, samples)
    run = ImportRun.objects.create(
        kind=kind,
        file_name=file_name[-255:],
        file_format=file_name.rsplit(".", 1)[-1].lower(),
        checksum=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content=data,
        header_row=sheet.header_row,
        headers=sheet.headers,
        mapping=match.mapping,
        assigned=chosen,
        factors=match.factors,
        samples=samples,
        remembered_from=remembered,
        rows_total=len(sheet.records),
        created_by=by,
        via=via,
        options=options or {},
    )
    if assigned and match.ok:  # choices given with the file (the command line): remembered now
        auto = matcher.match(sheet.headers, samples=_sample_rows(samples))
        _remember(run, _choices(sheet.headers, match, auto), by)
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


def _decide(run: ImportRun, mapping: list[str], *, by: User | None) -> None:
    """Take a mapping the user confirmed: its choices, the factors they bring, remembered."""
    auto = header_match(run, {})
    chosen = {
        _column_key(run.headers, column.index): key
        for column, key in zip(auto.columns, mapping, strict=True)
        if not (column.field == (key or None) and (key or column.reason in ("row_number", "empty")))
    }
    match = header_match(run, chosen)
    run.assigned, run.mapping, run.factors = chosen, match.mapping, match.factors
    if match.ok:
        _remember(run, _choices(run.headers, match, auto), by or run.created_by)


def _run_plan(run: ImportRun, progress: Callable[[int], None] | None = None):
    sheet = getattr(run, "_sheet", None) or _sheet(bytes(run.content), run.file_name, run.kind)
    importer = importer_for(run.kind, by=run.created_by, options=run.options, factors=run.factors)
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
    by: User | None = None,
) -> ImportRun:
    """The dry run: what the import would do, row by row. Writes nothing but the run's record.

    `mapping` (the mapping screen: a field key per column, "" for a column ignored on purpose) is
    the user's decision for every column; the choices in it that the headers alone did not make are
    remembered for the layout. Without it, the run's own mapping must leave no column unplaced.
    """
    if run.status not in (ImportRun.Status.NEW, ImportRun.Status.PREVIEWED):
        raise ValidationError(_("Impor ini sudah selesai atau dibatalkan."))
    if mapping is not None:
        _check_mapping(run.kind, mapping, run.headers)
        _decide(run, mapping, by=by)
    else:
        match = header_match(run)
        if not match.ok:
            raise MappingIncomplete(match, run.headers, run.samples)
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
    importer = importer_for(run.kind, by=run.created_by, options=run.options, factors=run.factors)
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
    run.samples = []  # nor the values shown on the mapping screen
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
        ).update(
            status=ImportRun.Status.CANCELLED, content=None, samples=[], finished_at=now, message=message
        )
        if not abandoned:
            ImportRun.objects.filter(pk=run.pk).update(content=None, samples=[])
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
    assigned: Mapping[str, str] | None = None,
) -> ImportRun:
    """Everything at once (the command line's path): the columns placed from the headers, a
    remembered mapping and `assigned` (header or "#3" → field key, "" to ignore); a column left
    unplaced, or claimed twice, refuses the file with nothing kept (`MappingIncomplete`)."""
    run = import_start(
        kind=kind, file_name=file_name, data=data, by=by, via=via, options=options, assigned=assigned,
        require_complete=True,
    )  # fmt: skip
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
