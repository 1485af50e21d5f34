"""The registry bulk writer: owners and businesses written many at a time (the import, the demo data).

No `save()` runs on this path (lib/bulk_insert), so what the model and the services do for one
record is done here for many, with the same functions: the derived columns (`business_derived`,
rules 2c and 5c), the first status and its timeline row (`first_status`, rule 1), history rows
(django-simple-history) and, for updates, the derived columns again. Gender and birth date come
from the NIK before the values reach this module (`owner_fields_from_nik`, rule 3b).

Writing is in two steps, so that the rows (with their ids and, on PostgreSQL, the COPY text) can
be prepared in one thread while another writes the previous piece (imports/services).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connections, router
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from pembinaan.lib.bulk_insert import (
    CopyText,
    copy_text,
    insert_columns,
    insert_history,
    insert_rows,
    write_copy_text,
)
from pembinaan.registry.models import (
    DERIVED_FIELDS,
    Business,
    BusinessSource,
    Owner,
    StatusChange,
    business_derived,
    first_status,
)

# Rows changed by one query: SQLite limits the number of parameters in one query.
UPDATE_CHUNK = 500


@dataclass
class NewRecords:
    """New owners and businesses with their ids, ready to write (see prepare_new)."""

    now: datetime.datetime
    by_id: int | None
    source: str = BusinessSource.IMPORT
    owner_rows: list[dict] = field(default_factory=list)
    business_rows: list[dict] = field(default_factory=list)
    owner_text: CopyText | None = None
    business_text: CopyText | None = None
    owners_written: bool = False


def owner_row(values: dict, *, by_id: int | None) -> dict:
    """A new owner's row from its values by model field (keys starting with "_" are the caller's)."""
    return {
        "nik": values.get("nik"), "name": values["name"], "gender": values.get("gender", ""),
        "birth_date": values.get("birth_date"), "phone": values.get("phone", ""),
        "email": values.get("email", ""), "address": values.get("address", ""),
        "created_by_id": by_id,
    }  # fmt: skip


def business_row(
    values: dict, *, owner_id: int, by_id: int | None, now: datetime.datetime, source: str
) -> dict:
    """A new business's row: its values, what it derives from them, and its first status."""
    row = {k: v for k, v in values.items() if not k.startswith("_")}
    row["owner_id"] = owner_id
    row.update(
        business_derived(name=row["name"], annual_sales=row.get("annual_sales"), capital=row.get("capital"))
    )
    row.update(
        status=first_status(source), status_changed_at=now, source=source, created_by_id=by_id,
        certifications=row.get("certifications", []),
    )  # fmt: skip
    row.setdefault("nib", None)
    return row


def prepare_owners(prepared: NewRecords, rows: list[dict]) -> None:
    """Add new owners' rows (made by `owner_row`) to a piece and give them their ids.

    On PostgreSQL the ids are reserved and the COPY text is built; elsewhere the owners are
    inserted at once, since their ids come from the insert and the businesses need them.
    """
    prepared.owner_rows = rows
    if rows:
        prepared.owner_text = _copy_text(Owner, rows, prepared.now)
        if prepared.owner_text is None:
            insert_rows(Owner, rows, now=prepared.now)
            prepared.owners_written = True


def prepare_businesses(prepared: NewRecords, businesses: list[tuple[dict, int]]) -> None:
    """Add new businesses (their values by model field, and their owner's id) to a piece.

    A key starting with "_" is the caller's and is not written ("_row": the import's row number).
    """
    prepared.business_rows = [
        {
            **business_row(
                values, owner_id=owner_id, by_id=prepared.by_id, now=prepared.now, source=prepared.source
            ),
            **{k: v for k, v in values.items() if k.startswith("_")},
        }
        for values, owner_id in businesses
    ]
    if prepared.business_rows:
        prepared.business_text = _copy_text(Business, prepared.business_rows, prepared.now)


def _copy_text(model, rows: list[dict], now: datetime.datetime) -> CopyText | None:
    if connections[router.db_for_write(model)].vendor == "postgresql":
        return copy_text(model, rows, now=now)
    return None


def write_prepared(prepared: NewRecords, *, reason: str) -> None:
    """Write prepared owners and businesses with their history rows and the businesses' first
    timeline entry (`reason` says where they came from)."""
    now, by_id = prepared.now, prepared.by_id
    if prepared.owner_rows:
        if prepared.owner_text is not None:
            write_copy_text(prepared.owner_text)
        elif not prepared.owners_written:
            insert_rows(Owner, prepared.owner_rows, now=now)
        insert_history(Owner, prepared.owner_rows, now=now, default_user_id=by_id)
    rows = prepared.business_rows
    if not rows:
        return
    if prepared.business_text is not None:
        write_copy_text(prepared.business_text)
    else:
        insert_rows(Business, rows, now=now)
    insert_history(Business, rows, now=now, default_user_id=by_id)
    insert_columns(
        StatusChange,
        {"business_id": [r["id"] for r in rows]},
        same={"from_status": "", "to_status": first_status(prepared.source), "reason": reason,
              "changed_by_id": by_id, "changed_at": now},
        now=now,
    )  # fmt: skip


def update_with_history(
    model, changes: dict[int, tuple[int, dict]], *, by
) -> list[tuple[int, int, str, list]]:
    """Change existing owners or businesses ({pk: (row number, {field: value})}) with their history
    rows; a business's derived columns follow, as Business.save() would make them. Answers, for each
    record, (pk, row number, "diubah", the fields changed)."""
    if not changes:
        return []
    out = []
    objects = []
    names: set[str] = set()
    pks = list(changes)
    for start in range(0, len(pks), UPDATE_CHUNK):
        for obj in model.objects.filter(pk__in=pks[start : start + UPDATE_CHUNK]):
            row, values = changes[obj.pk]
            for name, value in values.items():
                setattr(obj, name, value)
            names.update(values)
            if model is Business:
                derived = business_derived(name=obj.name, annual_sales=obj.annual_sales, capital=obj.capital)
                for name, value in derived.items():
                    setattr(obj, name, value)
            obj.updated_at = timezone.now()
            objects.append(obj)
            out.append((obj.pk, row, "diubah", sorted(values)))
    if model is Business:
        names |= set(DERIVED_FIELDS)
    names.add("updated_at")
    bulk_update_with_history(objects, model, sorted(names), batch_size=1000, default_user=by)
    return out
