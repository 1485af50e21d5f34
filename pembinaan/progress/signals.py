"""Cached dashboards and open data are keyed on TallyState.changed_at; these writes move it too."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save

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
    from pembinaan.progress.services import figures_touched

    figures_touched()


def _money_touched(sender, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from pembinaan.progress.services import money_touched

    money_touched()


def refresh_tallies(sender, business_ids=None, **kwargs) -> None:
    """The registry's `businesses_changed`: the tallies move in the writer's transaction."""
    from pembinaan.progress.closing import guard_rebuild
    from pembinaan.progress.services import rebuild_all, refresh_businesses

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
