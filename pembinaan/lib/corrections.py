"""The reason a person gave for changing figures of a closed year, carried with the request.

A change that moves a closed year's figures is found deep below the screen that caused it (the
dashboard's tallies are refreshed inside the service's transaction), so the reason travels beside
the call instead of through every service's arguments: the request middleware
(`pembinaan.progress.middleware`) sets it from the form or the session, and a command or a job sets
it with `correction_reason()`. Without one, such a change is refused (docs/rules.md#figures).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class CorrectionReason:
    text: str
    user_id: int | None


# A function rather than the reason itself: a request's form is read only when a closed year moved.
_current: ContextVar[Callable[[], CorrectionReason | None] | None] = ContextVar(
    "correction_reason", default=None
)


@contextmanager
def correction_reason(text: str | None, *, user_id: int | None) -> Iterator[None]:
    """For commands and jobs: changes made inside the block carry this reason."""
    reason = CorrectionReason(text.strip(), user_id) if text and text.strip() else None
    with correction_reason_from(lambda: reason):
        yield


@contextmanager
def correction_reason_from(reason: Callable[[], CorrectionReason | None]) -> Iterator[None]:
    token = _current.set(reason)
    try:
        yield
    finally:
        _current.reset(token)


def current_correction_reason() -> CorrectionReason | None:
    reason = _current.get()
    return reason() if reason else None
