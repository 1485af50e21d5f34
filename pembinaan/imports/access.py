"""Who may reach the import screens: staff and Admin Dinas; budget lines Admin Dinas only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.imports.importers import extra_permission
from pembinaan.imports.models import ImportRun


def require_import(user: User, kind: str | None = None) -> None:
    """The import permission, and the one the kind's importer was registered with (budgets, grants)."""
    require(user, "imports.import_data")
    if permission := extra_permission(kind):
        require(user, permission)


def get_run_for_user(user: User, pk: int) -> ImportRun:
    require(user, "imports.import_data")
    run = get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk)
    require_import(user, run.kind)
    return run
