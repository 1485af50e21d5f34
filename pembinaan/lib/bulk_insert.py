"""Fast inserts of many rows for demo data and benchmarks.

Like `bulk_create`, but without building a model instance per row or preparing each value one by
one, which dominate the time of a 100,000-row seed: SQLite gets one prepared statement run by the
driver's C loop, PostgreSQL a COPY. No `save()` and no signals run, so the caller sets derived
fields itself. Used by `seed_demo` and by the spreadsheet importer's bulk path
(registry/importers.py), which checks every row with the services' rules first and writes the
history and status rows itself; other application code goes through the services.

`add_to_counts` moves maintained counts by a difference in one statement (an upsert).

`indexes_deferred` loads tables without their secondary indexes and key checks on PostgreSQL
(made again at the end of the block), for loads of millions of rows such as `seed_demo`'s.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import json
import operator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connections, router
from django.dispatch import Signal

from pembinaan.lib.write_batch import WriteBatch

Row = dict[str, Any]

# Sent (sender: the model) after every bulk write here, which runs no save() and so no model
# signals: whoever keeps something derived from a table (the dashboard's cached money sums) hears
# of bulk writes the way it hears of saves, without every bulk writer having to remember it.
rows_inserted = Signal()

# Rows per piece of COPY text: small enough for the server to start on while the next is built.
COPY_PIECE_ROWS = 1000

# Field types whose Python value goes to the database unchanged on SQLite and PostgreSQL.
_PLAIN_TYPES = frozenset(
    {
        "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "IntegerField",
        "PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
        "SmallIntegerField", "BooleanField", "CharField", "TextField", "SlugField",
        "ForeignKey", "OneToOneField",
    }
)  # fmt: skip


def _converter(field, connection):
    kind = field.get_internal_type()
    if kind in _PLAIN_TYPES:
        return None
    if kind == "DateTimeField":
        # Most values are the same "now": convert each distinct value once.
        return functools.lru_cache(maxsize=4096)(connection.ops.adapt_datetimefield_value)
    if kind == "DateField":
        return functools.lru_cache(maxsize=65536)(connection.ops.adapt_datefield_value)
    return lambda value: field.get_db_prep_save(value, connection)


def _reserve_ids(connection, model, count: int) -> list[int]:
    """Ids for `count` new rows, taken so that later ORM inserts continue after them."""
    table, pk = model._meta.db_table, model._meta.pk.column
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence named once, not per row; one array back rather than `count` rows.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [qn(table), pk])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [sequence, count]
            )
            return cursor.fetchone()[0]
        cursor.execute(f"SELECT MAX({qn(pk)}) FROM {qn(table)}")  # noqa: S608 - names from the model
        start = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never reuses an id, even of a deleted row: start after the highest ever.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(start, row[0] if row else 0)
    return list(range(start + 1, start + 1 + count))


def insert_rows(model, rows: list[Row], *, now: datetime.datetime, keep_ids: bool = True) -> list[Row]:
    """INSERT `rows` (dicts keyed by field attname) into `model`'s table and put their ids in them.

    Like `bulk_create`, but without building a model instance per row or preparing each value one
    by one, which dominate the time of a 100,000-row seed: SQLite gets one prepared statement run
    by the driver's C loop, PostgreSQL a COPY. No `save()` and no signals, as with `bulk_create`.
    Missing fields get their default; `auto_now(_add)` fields get `now`; keys that are not fields
    (e.g. "_owner") are ignored. With `keep_ids=False` the database numbers the rows itself and
    their ids are not put in them: for rows nothing points at (history, import records), whose ids
    would otherwise cost a sequence call each.
    """
    if not rows:
        return rows
    connection = connections[router.db_for_write(model)]
    fields = _complete(connection, model, rows, now=now, keep_ids=keep_ids)
    if connection.vendor == "postgresql":
        _copy_rows(connection, model, fields, rows)
    else:
        _executemany_rows(connection, model, fields, rows)
    if connection.vendor not in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)
    rows_inserted.send(sender=model)
    return rows


def _complete(connection, model, rows: list[Row], *, now: datetime.datetime, keep_ids: bool) -> list:
    """Defaults and ids put in the rows; returns the fields to write."""
    fields = list(model._meta.concrete_fields)
    pk = model._meta.pk
    for field in fields:
        if field is pk:
            continue
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        for row in rows:
            if auto and row.get(field.attname) is None:
                row[field.attname] = now
            elif field.attname not in row:
                row[field.attname] = field.get_default()
    if keep_ids or connection.vendor not in ("sqlite", "postgresql"):
        for row, pk_value in zip(rows, _reserve_ids(connection, model, len(rows)), strict=True):
            row[pk.attname] = pk_value
    else:
        fields.remove(pk)
    return fields


@dataclass
class CopyText:
    """Rows already turned into PostgreSQL COPY text, to be written by `write_copy_text`."""

    model: type
    sql: str
    pieces: list[str]


def copy_text(model, rows: list[Row], *, now: datetime.datetime, keep_ids: bool = True) -> CopyText:
    """`insert_rows` up to the writing, for PostgreSQL: ids put in the rows, the COPY text built.

    For an importer that prepares rows in one thread and writes them in another (one Python
    thread is then not waiting for the other): ids come from a sequence, which is outside any
    transaction, so the preparing thread may take them through its own connection.
    """
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        raise ValueError("copy_text is for PostgreSQL; use insert_rows")
    fields = _complete(connection, model, rows, now=now, keep_ids=keep_ids)
    return CopyText(
        model=model, sql=_copy_sql(connection, model, fields), pieces=list(_copy_pieces(fields, rows))
    )


def write_copy_text(prepared: CopyText) -> None:
    connection = connections[router.db_for_write(prepared.model)]
    _copy(connection, prepared.sql, prepared.pieces)
    rows_inserted.send(sender=prepared.model)


def _executemany_rows(connection, model, fields, rows: list[Row]) -> None:
    getter = operator.itemgetter(*(f.attname for f in fields))
    converters = [(i, c) for i, f in enumerate(fields) if (c := _converter(f, connection)) is not None]
    values = []
    for row in rows:
        value = getter(row)
        if converters:
            value = list(value)
            for i, convert in converters:
                value[i] = convert(value[i])
        values.append(value)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        for start in range(0, len(values), 10_000):
            cursor.executemany(sql, values[start : start + 10_000])


def _copy_text(value: Any) -> str:
    """A value in PostgreSQL's COPY text format."""
    kind = type(value)  # exact types first: this runs once per cell of 100,000-row loads
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    if value is None:
        return r"\N"
    if kind is int:
        return str(value)
    if kind is datetime.datetime:
        return _iso_datetime(value)
    if isinstance(value, str):
        return _copy_text(str(value))
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


@functools.lru_cache(maxsize=1024)
def _iso_datetime(value: datetime.datetime) -> str:
    # Most rows of one load share the same "now".
    return value.isoformat()


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_encoder(field):
    if field.get_internal_type() == "JSONField":

        def encode(value: Any) -> str:
            if value == []:  # most import records: no field list
                return "[]"
            return _copy_text(None if value is None else json.dumps(value, cls=field.encoder))

        return encode
    return _copy_text


class _Pieces(io.TextIOBase):
    """A file whose `read()` hands over the next piece of an iterator of strings.

    COPY reads from it as it sends, so the server inserts (and updates indexes for) one piece
    while Python builds the next: on two cores the two overlap instead of taking turns.
    """

    def __init__(self, pieces):
        self._pieces = iter(pieces)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        return next(self._pieces, "")


def _copy_sql(connection, model, fields) -> str:
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    return f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"


def _copy_pieces(fields, rows: list[Row]):
    """The rows as COPY text, COPY_PIECE_ROWS rows a piece."""
    getter = operator.itemgetter(*(f.attname for f in fields))
    encoders = [_copy_encoder(f) for f in fields]
    plain = all(encode is _copy_text for encode in encoders)
    for start in range(0, len(rows), COPY_PIECE_ROWS):
        batch = rows[start : start + COPY_PIECE_ROWS]
        if plain:
            yield "".join(["\t".join(map(_copy_text, getter(row))) + "\n" for row in batch])
        else:
            yield "".join(
                [
                    "\t".join([encode(value) for encode, value in zip(encoders, getter(row), strict=True)])
                    + "\n"
                    for row in batch
                ]
            )


def _copy_rows(connection, model, fields, rows: list[Row]) -> None:
    # Pieces made as COPY asks for them: the server inserts one while Python builds the next.
    _copy(connection, _copy_sql(connection, model, fields), _copy_pieces(fields, rows))


def _copy(connection, sql: str, pieces) -> None:
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, _Pieces(pieces))
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                for piece in pieces:
                    copy.write(piece)


def insert_history(model, rows: list[Row], *, now: datetime.datetime, default_user_id: int | None) -> None:
    """The django-simple-history "created" rows for rows just inserted with `insert_rows`.

    Each row's `_history_user_id` key, when present, names who created it. When none has one, or
    each names the row's own `created_by_id`, the database copies the rows into the history table
    itself (INSERT … SELECT), which costs no Python per row; otherwise each history row is built here.
    """
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or not rows:
        return
    history_model = model.history.model
    tracked = [f.attname for f in history_model.tracked_fields]
    pk = model._meta.pk.attname
    if all(pk in row for row in rows):
        if all("_history_user_id" not in row for row in rows):
            _copy_into_history(model, [row[pk] for row in rows], now=now, user_id=default_user_id)
            return
        if "created_by_id" in tracked and all(
            row.get("_history_user_id", default_user_id) == row.get("created_by_id") for row in rows
        ):
            _copy_into_history(
                model, [row[pk] for row in rows], now=now, user_id=None, user_from="created_by_id"
            )
            return
    history_rows = []
    for row in rows:
        entry = {name: row[name] for name in tracked}
        entry["history_date"] = now
        entry["history_type"] = "+"
        entry["history_change_reason"] = None
        entry["history_user_id"] = row.get("_history_user_id", default_user_id)
        history_rows.append(entry)
    insert_rows(history_model, history_rows, now=now, keep_ids=False)


def _copy_into_history(
    model, ids: list[int], *, now: datetime.datetime, user_id: int | None, user_from: str = ""
) -> None:
    """INSERT … SELECT the "created" history rows; `user_from` names a column of the rows that holds
    the history user (else `user_id` for all)."""
    history_model = model.history.model
    connection = connections[router.db_for_write(history_model)]
    qn = connection.ops.quote_name
    tracked = {f.attname: f.column for f in history_model.tracked_fields}
    source_columns = {f.attname: f.column for f in model._meta.concrete_fields}
    extra = {
        "history_date": connection.ops.adapt_datetimefield_value(now),
        "history_type": "+",
        "history_change_reason": None,
        "history_user_id": user_id,
    }
    targets, selects, params = [], [], []
    for field in history_model._meta.concrete_fields:
        if field.primary_key:
            continue
        targets.append(qn(field.column))
        if field.attname in tracked:
            selects.append(qn(source_columns[field.attname]))
        elif field.attname == "history_user_id" and user_from:
            selects.append(qn(source_columns[user_from]))
        else:
            selects.append("%s")
            params.append(extra[field.attname])  # a KeyError here means a history field we do not fill
    sql = (
        f"INSERT INTO {qn(history_model._meta.db_table)} ({', '.join(targets)}) "  # noqa: S608 - names from the models
        f"SELECT {', '.join(selects)} FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.pk.column)} "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 100_000):
            chunk = ids[start : start + 100_000]
            low, high = min(chunk), max(chunk)
            if high - low == len(chunk) - 1 and len(set(chunk)) == len(chunk):
                # Ids from a sequence are usually consecutive: a range, read through the primary key.
                cursor.execute(sql + "BETWEEN %s AND %s", [*params, low, high])
            elif connection.vendor == "postgresql":
                cursor.execute(sql + "= ANY(%s)", [*params, chunk])
            else:
                cursor.execute(sql + "IN (SELECT value FROM json_each(%s))", [*params, json.dumps(chunk)])  # noqa: S608


def insert_columns(model, columns: dict[str, list], *, same: dict[str, Any], now: datetime.datetime) -> None:
    """INSERT one row per position of the equally long lists in `columns`, each also given `same`.

    The database builds the rows from the lists (PostgreSQL: unnest, SQLite: json_each), so many
    rows that differ in a column or two (import records, status entries) cost no Python per row.
    Fields in neither get their default, or `now` when auto_now(_add); the database numbers them.
    """
    lengths = {len(values) for values in columns.values()}
    if not columns or lengths == {0}:
        return
    if len(lengths) != 1:
        raise ValueError("insert_columns: the column lists differ in length")
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    names = list(columns)
    targets, selects, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.attname in columns:
            targets.append(qn(field.column))
            position = names.index(field.attname)
            selects.append(
                f"u.c{position}"
                if connection.vendor == "postgresql"
                else f"json_extract(value, '$[{position}]')"
            )
            continue
        if field.attname in same:
            value = same[field.attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        targets.append(qn(field.column))
        selects.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(targets)}) SELECT {', '.join(selects)} "  # noqa: S608 - names from the model
    total = lengths.pop()
    with connection.cursor() as cursor:
        for start in range(0, total, 100_000):
            chunk = {name: values[start : start + 100_000] for name, values in columns.items()}
            if connection.vendor == "postgresql":
                aliases = ", ".join(f"c{i}" for i in range(len(names)))
                arrays = ", ".join(["%s"] * len(names))
                cursor.execute(head + f"FROM unnest({arrays}) AS u({aliases})", [*params, *chunk.values()])
            else:
                cursor.execute(
                    head + "FROM json_each(%s)",
                    [*params, json.dumps(list(zip(*chunk.values(), strict=True)))],
                )
    rows_inserted.send(sender=model)


def add_to_counts(
    model,
    changes: list[tuple],
    *,
    keys: tuple[str, ...],
    same: dict[str, Any],
    counts: tuple[str, ...] = ("count",),
    batch: WriteBatch | None = None,
) -> None:
    """Add each change's last values to the counts of its key (`keys`, then `counts`), creating the
    rows that do not exist yet: one upsert per 2,000 changes, whatever is already stored.

    For maintained counts (the dashboard's tallies) moved in the writer's transaction: reading which
    keys exist first, then updating and inserting, costs two more round trips and a statement the
    ORM builds key by key. `same` gives the other columns (the same on every row, also written on
    an update). The key columns must carry a unique constraint (ON CONFLICT needs it). With a
    `batch`, the statements join it instead of running now.
    """
    if not changes:
        return
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    column = {f.attname: f for f in model._meta.concrete_fields}
    names = [*keys, *counts, *same]
    table = qn(model._meta.db_table)
    fixed = [column[name].get_db_prep_save(value, connection) for name, value in same.items()]
    added = [qn(column[name].column) for name in counts]
    updates = ", ".join(
        [f"{c} = {table}.{c} + excluded.{c}" for c in added]
        + [f"{qn(column[name].column)} = excluded.{qn(column[name].column)}" for name in same]
    )
    head = f"INSERT INTO {table} ({', '.join(qn(column[n].column) for n in names)}) VALUES "  # noqa: S608 - names from the model
    tail = f" ON CONFLICT ({', '.join(qn(column[n].column) for n in keys)}) DO UPDATE SET {updates}"
    row = "(" + ", ".join(["%s"] * len(names)) + ")"
    statements = WriteBatch(connection.alias) if batch is None else batch
    for start in range(0, len(changes), 2000):
        piece = changes[start : start + 2000]
        statements.add(
            head + ", ".join([row] * len(piece)) + tail,
            [value for change in piece for value in (*change, *fixed)],
        )
    if batch is None:
        statements.flush()


@contextlib.contextmanager
def indexes_deferred(models, *, maintenance_work_mem: str = "256MB"):
    """On PostgreSQL, load `models`' tables without their secondary indexes and key checks.

    A COPY into a table with indexes updates every index row by row, in random order once the
    index outgrows memory, and Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: each
    inserted row queues a check that runs at the commit, one index look-up at a time. For a load
    of millions of rows both cost far more than the load itself. Inside this block the tables have
    only their primary keys: their foreign keys, unique constraints no foreign key depends on, and
    other indexes are dropped first and made again at the end, each index built in one sorted pass
    and each foreign key checked by one join (so a bad row still fails the load, at the end
    rather than at the commit). Must run inside a transaction (the tables are locked until it
    ends, and a failure restores everything); elsewhere than PostgreSQL it does nothing.
    """
    if not models:
        yield
        return
    connection = connections[router.db_for_write(models[0])]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_deferred must run inside a transaction")
    tables = [model._meta.db_table for model in models]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')
              AND NOT (c.contype = 'u' AND EXISTS (
                  SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
            ORDER BY c.contype DESC, c.conname
            """,
            [tables],
        )
        constraints = cursor.fetchall()  # unique ones first, so that they are made again first
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        # Key checks still queued for earlier rows run now: a table with pending checks cannot be
        # altered. Django's way (checks at the commit) is back at the end of the block.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _kind, _definition in reversed(constraints):  # foreign keys first
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield  # on an error the transaction's rollback puts everything back
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = %s", [maintenance_work_mem])
        for table, name, kind, definition in constraints:
            if kind == "u":
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {qn(name)} {definition}")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, kind, definition in constraints:
            if kind == "f":
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {qn(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
