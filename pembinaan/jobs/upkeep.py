"""Recurring upkeep that the workers do: each app registers its chores here at start-up.

The jobs app imports no domain app (docs: architecture): the outbox registers "send what is due",
imports register "delete old raw files", and so on, from their `AppConfig.ready()`. Every worker
process (`manage.py worker`) runs each chore once per its interval from a thread of its own, so a
chore must be safe to run on several servers at once (conditional updates, skip_locked, dedupe keys)
and should be short: real work is queued as a task, never done in the upkeep thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chore:
    name: str
    run: Callable[[], object]
    every_seconds: float


_CHORES: dict[str, Chore] = {}


def register_chore(*, name: str, run: Callable[[], object], every_seconds: float) -> None:
    """Called from an `AppConfig.ready()`; registering the same name again replaces it."""
    _CHORES[name] = Chore(name=name, run=run, every_seconds=every_seconds)


def registered_chores() -> list[Chore]:
    return list(_CHORES.values())


class ChoreClock:
    """Which chores are due in this process: each runs at once on start, then every interval."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}

    def run_due(self) -> list[str]:
        """Run every due chore; one that fails is logged and tried again next round."""
        ran = []
        for chore in registered_chores():
            now = time.monotonic()
            last = self._last.get(chore.name)
            if last is not None and now - last < chore.every_seconds:
                continue
            try:
                chore.run()
            except Exception:
                logger.exception("Upkeep chore %s failed; it is tried again next round", chore.name)
                continue
            self._last[chore.name] = now
            ran.append(chore.name)
        return ran
