"""Importers that write each row through the app's own service (participants, outcomes, budgets).

These files are small (an activity's participants, a year's budget lines), and the services hold
rules that are not worth repeating in bulk form (capacity, attendance only once an activity has
started, outcomes only for attendees). The dry run therefore runs the very same service calls
inside a transaction that is rolled back, each row in its own savepoint, so that the preview
refuses exactly what the real import would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pembinaan.imports.importers import Importer
from pembinaan.imports.plans import Plan

# What write_row returns for each record it touched: (model label, pk, "dibuat"/"diubah", fields).
Touched = tuple[str, int, str, list]


class RowImporter(Importer):
    @property
    def labels(self) -> dict[str, str]:
        return {c.key: c.label for c in self.columns}

    # Subclasses: turn cells into values (raise ValidationError({key: msg})), then write them.
    def clean_row(self, cells: dict[str, str]) -> dict[str, Any]:
        raise NotImplementedError

    def write_row(self, values: dict[str, Any]) -> tuple[str, str, list[Touched]]:
        """Returns ("created"|"updated"|"skipped", note, touched records)."""
        raise NotImplementedError

    def _errors(self, plan: Plan, number: int, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for key, errors in exc.message_dict.items():
                plan.refuse(number, self.labels.get(key, key), " ".join(errors))
        else:
            plan.refuse(number, "", " ".join(exc.messages))

    def _run(self, plan: Plan, rows, touched: dict[str, list] | None, progress) -> None:
        for done, (number, values) in enumerate(rows, start=1):
            try:
                with transaction.atomic():
                    action, note, records = self.write_row(values)
            except ValidationError as exc:
                if touched is not None:
                    raise  # a row the preview accepted now fails: nothing of this import is kept
                self._errors(plan, number, exc)
                continue
            if touched is None:
                setattr(plan, action, getattr(plan, action) + 1)
                if note:
                    plan.notes.append([number, note])
                plan.rows.append((number, values))
            else:
                for model, pk, what, fields in records:
                    touched.setdefault(model, []).append((pk, number, what, fields))
            if progress and done % 500 == 0:
                progress(done)

    def plan(self, records, *, total: int | None = None, progress: Callable | None = None) -> Plan:
        records = list(records)
        plan = Plan(rows_total=len(records))
        cleaned = []
        for number, cells in records:
            try:
                cleaned.append((number, self.clean_row(cells)))
            except ValidationError as exc:
                self._errors(plan, number, exc)
        with transaction.atomic():
            self._run(plan, cleaned, None, progress)
            transaction.set_rollback(True)  # the dry run: every service call is undone
        plan.refused_rows.sort()
        return plan

    @transaction.atomic
    def apply(self, plan: Plan, *, by, run_id: int) -> dict[str, list]:
        touched: dict[str, list] = {}
        self._run(plan, plan.rows, touched, None)
        return touched
