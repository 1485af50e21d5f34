"""Who may reach the import screens: staff and Admin Dinas; budget lines Admin Dinas only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from pembinaan.accounts.access import require
from pembinaan.accounts.models import User
from pembinaan.imports.models import ImportRun

# Import types that need more than the plain import permission (docs/rules.md roles: budgets).
KIND_PERMISSIONS = {
    "pagu": "imports.import_budget",
    "bantuan": "funding.add_capitalassistance",
}


def require_import(user: User, kind: str | None = None) -> None:
    require(user, "imports.import_data")
    if kind in KIND_PERMISSIONS:
        require(user, KIND_PERMISSIONS[kind])


def get_run_for_user(user: User, pk: int) -> ImportRun:
    require(user, "imports.import_data")
    run = get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk)
    require_import(user, run.kind)
    return run
