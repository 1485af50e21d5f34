"""What the registry tells the apps above it, without importing them (docs/architecture.md).

`businesses_changed` is sent inside the writing transaction by every service that can move a figure
(registry, coaching, funding, the importers, the demo data); progress connects its tally refresh to it
at start-up, so the dashboard's maintained figures change in the same commit as the rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

# Keyword argument `business_ids`: the primary keys of the businesses whose figures may have moved,
# or None when so many changed (a large import, the demo data) that every figure is recounted.
businesses_changed = Signal()


def announce_businesses_changed(business_ids: Iterable[int] | None, *, sender: object = None) -> None:
    businesses_changed.send(sender=sender, business_ids=business_ids)
