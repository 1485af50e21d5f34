"""The importer registry: which app reads which kind of file.

The imports app uploads, reads and maps a spreadsheet, makes the dry run and confirms it; what a row
means belongs to the app that owns the data. Each domain app registers its importers from its
`AppConfig.ready()` (`register_importer`), the way `django.contrib.admin` finds each app's
`ModelAdmin`, so this app imports none of them (docs/architecture.md).

An importer is a class (see `Importer`) made for one run as `importer(by=…, options=…)`; it plans
the mapped rows (`plan`) and writes the plan (`apply`). The upload form asks for what the importer
needs besides the file (`upload_fields`, turned into the run's options by `upload_options`), and
`after_write` keeps what depends on the written records true in the import's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from pembinaan.imports.columns import Column
from pembinaan.imports.models import ImportKind

# What an importer's apply() returns: {model label: [(pk, row number, "dibuat"/"diubah", fields)]}.
TouchedRecords = dict[str, list[tuple[int, int, str, list]]]


class Importer:
    """What every importer offers; the defaults suit an importer that needs only the file."""

    kind: ClassVar[str] = ""
    columns: ClassVar[tuple[Column, ...]] = ()
    # An importer that can write while it still plans (a large file on PostgreSQL, see
    # imports/services.py::_plan_and_write) offers touched(), prepare_planned(), write_prepared()
    # and write_changes().
    writes_while_planning: ClassVar[bool] = False

    def __init__(self, *, by=None, options: dict | None = None):
        self.by = by
        self.options = options or {}

    @classmethod
    def upload_fields(cls) -> dict[str, forms.Field]:
        """Fields the upload form adds for this kind (e.g. the activity whose participants these are)."""
        return {}

    @classmethod
    def upload_options(cls, cleaned_data: dict[str, Any]) -> dict:
        """The run's options from the upload form's cleaned data; raises ValidationError({field: …})."""
        return {}

    def after_write(self, touched: TouchedRecords) -> None:
        """Called once the confirmed import is written, in its transaction."""


@dataclass(frozen=True)
class Registration:
    kind: str
    importer: type[Importer]
    # A permission needed besides "imports.import_data" (budget lines: Admin Dinas only).
    permission: str = ""


_IMPORTERS: dict[str, Registration] = {}


def register_importer(*, kind: str, importer: type[Importer], permission: str = "") -> None:
    """Called from an `AppConfig.ready()`; registering a kind again replaces it."""
    if kind not in ImportKind.values:
        raise ImproperlyConfigured(f"unknown import kind {kind!r}: add it to ImportKind")
    _IMPORTERS[kind] = Registration(kind=kind, importer=importer, permission=permission)


def registered_importers() -> list[Registration]:
    """In the order of ImportKind, which is the order the upload form lists them."""
    return [_IMPORTERS[kind] for kind in ImportKind.values if kind in _IMPORTERS]


def registration(kind: str) -> Registration:
    if kind not in _IMPORTERS:
        raise ValidationError({"kind": _("Jenis impor tidak dikenal.")})
    return _IMPORTERS[kind]


def extra_permission(kind: str | None) -> str:
    """The permission a kind needs besides "imports.import_data", or ""."""
    found = _IMPORTERS.get(kind or "")
    return found.permission if found else ""


def upload_fields() -> dict[str, forms.Field]:
    """Every registered importer's upload fields, each name once (the first kind to ask for it)."""
    fields: dict[str, forms.Field] = {}
    for entry in registered_importers():
        for name, field in entry.importer.upload_fields().items():
            fields.setdefault(name, field)
    return fields
