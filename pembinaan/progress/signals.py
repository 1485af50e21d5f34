"""Imported by ProgressConfig.ready() only, once every model is loaded.

Cached dashboards and open data are keyed on TallyState.changed_at; these writes move it too."""

from __future__ import annotations

from django.apps import apps
from django.db import connections
from django.db.models.signals import post_delete, post_migrate, post_save

from pembinaan.lib.bulk_insert import rows_inserted
from pembinaan.progress.closing import guard_rebuild
from pembinaan.progress.models import ReachCount, TallyState
from pembinaan.progress.services import (
    build_missing,
    figures_touched,
    money_touched,
    rebuild,
    rebuild_all,
    refresh_businesses,
    refresh_kelurahan,
)

# Where pagu and realisasi come from (rule 9).
MONEY = ("coaching.Activity", "funding.BudgetLine", "funding.CapitalAssistance")
# What else the dashboard shows besides the maintained tallies: targets and the names it prints.
WATCHED = (
    "coaching.CoachingType",
    "coaching.OutcomeType",
    "funding.FundingSource",
    "progress.Target",
    "progress.Milestone",
    "progress.KecamatanShare",
    "reference.Kecamatan",
    "reference.Kelurahan",
)


def _touched(sender, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: the fixtures' own state is loaded as it is
        return
    figures_touched()


def _money_touched(sender, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    money_touched()


def _bulk_written(sender, **kwargs) -> None:
    """A bulk insert (imports, demo data) runs no save(): the same versions move as for a save."""
    label = sender._meta.label
    if label in MONEY:
        _money_touched(sender)
    elif label in WATCHED:
        _touched(sender)


def target_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """A target's aggregates exist from the moment it exists, whatever path created it (admin,
    a service, a shell); a moved period changes which attendance counts, so it is rebuilt too."""
    if raw:
        return
    rebuild(instance)


def kelurahan_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """A kelurahan moved to another kecamatan: its coached businesses' kecamatan figures follow."""
    if raw:
        return
    refresh_kelurahan(instance.pk)


def build_missing_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """After `migrate` (a fresh deployment included) every target has its maintained figures.

    The primary target is created by a data migration, which runs no model signals.
    """
    tables = set(connections[using].introspection.table_names())
    if TallyState._meta.db_table not in tables:
        return  # migrated backwards past the aggregates
    build_missing(with_reach=ReachCount._meta.db_table in tables)


def refresh_tallies(sender, business_ids=None, **kwargs) -> None:
    """The registry's `businesses_changed`: the tallies move in the writer's transaction."""
    if business_ids is None:
        guard_rebuild(rebuild_all)
    else:
        refresh_businesses(business_ids)


def connect() -> None:
    for label in MONEY:
        model = apps.get_model(label)
        post_save.connect(_money_touched, sender=model, dispatch_uid=f"money-touched-save-{label}")
        post_delete.connect(_money_touched, sender=model, dispatch_uid=f"money-touched-delete-{label}")
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_touched, sender=model, dispatch_uid=f"figures-touched-save-{label}")
        post_delete.connect(_touched, sender=model, dispatch_uid=f"figures-touched-delete-{label}")
    rows_inserted.connect(_bulk_written, dispatch_uid="progress-bulk-written")
    post_save.connect(
        target_saved, sender=apps.get_model("progress.Target"), dispatch_uid="progress-target-saved"
    )
    post_save.connect(
        kelurahan_saved, sender=apps.get_model("reference.Kelurahan"), dispatch_uid="progress-kelurahan-saved"
    )
    post_migrate.connect(
        build_missing_after_migrate,
        sender=apps.get_app_config("progress"),
        dispatch_uid="progress-build-missing-after-migrate",
    )
