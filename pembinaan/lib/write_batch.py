"""Writes whose results nobody reads, sent to the database together.

The dashboard's maintained figures move in the writer's transaction (progress/services.py): after
its reads, one attendance deletes and inserts a few fact rows and adds to four kinds of counts,
up to a dozen small statements. On a server where a round trip to PostgreSQL costs 0.3–0.5 ms,
sending them one by one cost more than running them, so PostgreSQL gets them in one round trip
(psycopg2 binds parameters on the client, so several statements travel as one text). SQLite's
driver runs one statement per call: there they run in turn, which costs no round trip anyway.

Only for statements that return nothing the caller needs, in the order added; a read that depends
on a pending write must `flush()` first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

# Values per statement: below SQLite's limit on a statement's parameters (32,766).
MAX_PARAMS = 30_000
# Pending values after which `flush_if_large` sends them (a refresh of many businesses).
FLUSH_AT_PARAMS = 50_000


class WriteBatch:
    def __init__(self, using: str = DEFAULT_DB_ALIAS):
        self.connection = connections[using]
        self._statements: list[tuple[str, list[Any]]] = []
        self._pending = 0

    def __len__(self) -> int:
        return len(self._statements)

    def add(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._statements.append((sql, list(params)))
        self._pending += len(params)

    def delete(self, model, **where: Any) -> None:
        """DELETE the model's rows matching every condition: a value, or a list of them (IN)."""
        qn = self.connection.ops.quote_name
        fields = {f.attname: f for f in model._meta.concrete_fields}
        conditions, params = [], []
        for name, value in where.items():
            column = qn(fields[name].column)
            if isinstance(value, list | tuple | set | frozenset):
                if not value:
                    return  # no row can match
                conditions.append(f"{column} IN ({', '.join(['%s'] * len(value))})")
                params.extend(value)
            else:
                conditions.append(f"{column} = %s")
                params.append(value)
        table = qn(model._meta.db_table)
        self.add(f"DELETE FROM {table} WHERE {' AND '.join(conditions)}", params)  # noqa: S608 - names from the model

    def insert(self, model, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """INSERT the rows (values in the order of `columns`, attnames), prepared as save() would."""
        qn = self.connection.ops.quote_name
        fields = {f.attname: f for f in model._meta.concrete_fields}
        prepare = [fields[name].get_db_prep_save for name in columns]
        values = [[p(v, self.connection) for p, v in zip(prepare, row, strict=True)] for row in rows]
        head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(fields[n].column) for n in columns)}) VALUES "  # noqa: S608
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per_statement = max(1, MAX_PARAMS // max(1, len(columns)))
        for start in range(0, len(values), per_statement):
            piece = values[start : start + per_statement]
            self.add(head + ", ".join([one] * len(piece)), [v for row in piece for v in row])

    def flush(self) -> None:
        statements, self._statements, self._pending = self._statements, [], 0
        if not statements:
            return
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql" and len(statements) > 1:
                cursor.execute(
                    ";\n".join(sql for sql, _ in statements), [v for _, ps in statements for v in ps]
                )
            else:
                for sql, params in statements:
                    cursor.execute(sql, params)

    def flush_if_large(self) -> None:
        if self._pending >= FLUSH_AT_PARAMS:
            self.flush()
