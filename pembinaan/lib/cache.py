"""Django's Redis cache, made so that a Redis outage can never turn a page into an error.

Why: everything this portal keeps in the cache can be done without it. Pages' figures and map data
are computed again, and the per-IP counters of pembinaan.lib.ratelimit only slow abusers down
(lockouts per login name are django-axes's, kept in the database). Django's own RedisCache raises
on every call while Redis is down or hangs, so every page that caches or counts answered 500. Here
a call that fails behaves like a miss: get() answers the default, add() and set() store nothing,
incr() finds no key. Pages are served uncached and the limits fail open.

Two things keep an outage cheap and the log readable:
- after a failure this process leaves Redis alone for RETRY_SECONDS (an OPTIONS entry), so a Redis
  that hangs costs one request the socket timeout (CACHE_TIMEOUT_SECONDS), not every call of every
  request;
- a warning when an outage starts, then at most one a minute while it lasts (with the number of calls
  served without the cache), and one line when Redis answers again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# While an outage lasts, one warning per this many seconds and process.
WARN_EVERY_SECONDS = 60.0


class _Outage:
    """One Redis location's state in this process, shared by the per-thread cache objects Django
    makes (django.core.cache.caches gives each thread its own backend instance)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.skip_until = 0.0  # monotonic time before which calls do not touch Redis
        self.since: float | None = None  # when the outage started; None while Redis answers
        self.last_warning = 0.0
        self.calls_without_cache = 0


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class FailOpenRedisCache(RedisCache):
    """RedisCache whose every failing call behaves like a miss (see the module's docstring)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # Ours, not redis-py's: everything else in OPTIONS goes to the connection pool.
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = ",".join(self._servers)
        self._outage = _outage_for(self._location)

    # --- the guard ---------------------------------------------------------------------------

    def _guarded(self, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        if time.monotonic() < self._outage.skip_until:
            self._served_without_cache(None)
            return fallback()
        try:
            result = call()
        except RedisError as exc:
            self._served_without_cache(exc)
            return fallback()
        if self._outage.since is not None:
            self._recovered()
        return result

    def _served_without_cache(self, exc: RedisError | None) -> None:
        """Count one call answered as a miss; warn when an outage starts, then once a minute."""
        outage = self._outage
        now = time.monotonic()
        with outage.lock:
            if exc is not None:
                outage.skip_until = now + self.retry_seconds
            starting = outage.since is None
            if starting:
                outage.since = now
            outage.calls_without_cache += 1
            if not starting and now - outage.last_warning < WARN_EVERY_SECONDS:
                return
            outage.last_warning = now
            calls, outage.calls_without_cache = outage.calls_without_cache, 0
            lasted = now - outage.since
        if starting:
            logger.warning(
                "Cache %s unreachable (%s): serving without it, pages uncached and per-IP rate limits "
                "not enforced, until it answers (next try in %.0f s)",
                self._location_for_log(),
                f"{type(exc).__name__}: {exc}" if exc else "no answer",
                self.retry_seconds,
            )
        else:
            logger.warning(
                "Cache %s still unreachable after %.0f s: %d calls served without it "
                "(pages uncached, per-IP rate limits not enforced)",
                self._location_for_log(),
                lasted,
                calls,
            )

    def _recovered(self) -> None:
        outage = self._outage
        with outage.lock:
            if outage.since is None:
                return
            lasted = time.monotonic() - outage.since
            outage.since = None
            outage.calls_without_cache = 0
            outage.last_warning = 0.0
        logger.info("Cache %s answers again after %.0f s", self._location_for_log(), lasted)

    def _location_for_log(self) -> str:
        # A password in the URL (redis://:secret@host) never goes to the log.
        return ",".join(server.rsplit("@", 1)[-1] for server in self._servers)

    # --- every call Django's RedisCache offers ---------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guarded(lambda: RedisCache.add(self, key, value, timeout, version), _false)

    def get(self, key, default=None, version=None) -> Any:
        return self._guarded(lambda: RedisCache.get(self, key, default, version), lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._guarded(lambda: RedisCache.set(self, key, value, timeout, version), _none)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guarded(lambda: RedisCache.touch(self, key, timeout, version), _false)

    def delete(self, key, version=None) -> bool:
        return self._guarded(lambda: RedisCache.delete(self, key, version), _false)

    def get_many(self, keys, version=None) -> dict:
        return self._guarded(lambda: RedisCache.get_many(self, keys, version), dict)

    def has_key(self, key, version=None) -> bool:
        return self._guarded(lambda: RedisCache.has_key(self, key, version), _false)

    def incr(self, key, delta=1, version=None) -> int:
        # A missing key is what incr() reports with ValueError on every backend; callers handle it.
        return self._guarded(lambda: RedisCache.incr(self, key, delta, version), _missing_key(key))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        # The keys that could not be stored, as set_many() reports them.
        return self._guarded(lambda: RedisCache.set_many(self, data, timeout, version), lambda: list(data))

    def delete_many(self, keys, version=None) -> None:
        self._guarded(lambda: RedisCache.delete_many(self, keys, version), _none)

    def clear(self) -> bool:
        return self._guarded(lambda: RedisCache.clear(self), _false)


def _false() -> bool:
    return False


def _none() -> None:
    return None


def _missing_key(key) -> Callable[[], int]:
    def fallback() -> int:
        raise ValueError(f"Key {key!r} not found (cache unreachable).")

    return fallback
