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
from django.utils.translation import gettext as _

from pembinaan.imports.columns import Column
from pembinaan.imports.plans import Plan
from pembinaan.lib.identifiers import parse_nib, parse_nik
from pembinaan.registry.models import Business

# What write_row returns for each record it touched: (model label, pk, "dibuat"/"diubah", fields).
Touched = tuple[str, int, str, list]


class RowImporter:
    kind = ""
    columns: tuple[Column, ...] = ()

    def __init__(self, *, by=None, options: dict | None = None):
        self.by = by
        self.options = options or {}

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


class BusinessFinder:
    """Businesses by NIB, or by the owner's NIK when that owner has exactly one active business."""

    def __init__(self, records: list[dict[str, str]]):
        nibs, niks = set(), set()
        for cells in records:
            for key, bucket, parse in (("nib", nibs, parse_nib), ("nik", niks, lambda v: parse_nik(v).nik)):
                if cells.get(key):
                    try:
                        bucket.add(parse(cells[key]))
                    except ValidationError:
                        pass
        self.by_nib = {b.nib: b for b in Business.objects.active().filter(nib__in=nibs)} if nibs else {}
        self.by_nik: dict[str, list[Business]] = {}
        if niks:
            for business in Business.objects.active().filter(owner__nik__in=niks).select_related("owner"):
                self.by_nik.setdefault(business.owner.nik, []).append(business)

    def find(self, cells: dict[str, str]) -> Business:
        if cells.get("nib"):
            nib = _parse_or(cells["nib"], parse_nib, "nib")
            business = self.by_nib.get(nib)
            if business is None:
                raise ValidationError(
                    {"nib": _("Tidak ada usaha dengan NIB %(nib)s di registri.") % {"nib": nib}}
                )
            return business
        if cells.get("nik"):
            nik = _parse_or(cells["nik"], lambda v: parse_nik(v).nik, "nik")
            owned = self.by_nik.get(nik, [])
            if not owned:
                raise ValidationError({"nik": _("Tidak ada usaha milik NIK ini di registri.")})
            if len(owned) > 1:
                raise ValidationError(
                    {
                        "nik": _(
                            "Pemilik ini punya lebih dari satu usaha; isi kolom NIB untuk memilih usahanya."
                        )
                    }
                )
            return owned[0]
        raise ValidationError({"nik": _("Isi NIK pemilik atau NIB usaha.")})


def _parse_or(value: str, parse, key: str):
    try:
        return parse(value)
    except ValidationError as exc:
        raise ValidationError({key: exc.messages}) from None
