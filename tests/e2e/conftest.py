"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

They are part of `make test` (marked `e2e`; deselect with `-m "not e2e"`). In CI (`CI` set) a
missing Chromium fails them; on a developer's machine without Chromium they skip, loudly.
"""

import os

import pytest

from tests.e2e.browser import CHROMIUM, Browsing
from tests.workers import Workers

_missing: list[str] = []
# The database snapshot that serialized rollback restores, by connection alias (see below).
_snapshots: dict[str, str] = {}


def _keep_snapshots() -> None:
    from django.db import connections

    for alias in connections:
        snapshot = getattr(connections[alias], "_test_serialized_contents", None)
        if snapshot is not None:
            _snapshots[alias] = snapshot


def _chromium_problem() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -r requirements.txt)"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def _playwright_browser():
    """One Chromium per test module, closed before the next module's (non-browser) tests run."""
    problem = _chromium_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"Browser tests cannot run in CI: {problem}", pytrace=False)
        _missing.append(problem)
        pytest.skip(f"BROWSER TESTS NOT RUN: {problem}")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django's connections live in context-local storage, and Playwright's sync API gives the test
    # code a new context: the snapshot of the migrated data that serialized rollback restores
    # must be carried over to the connection objects seen from there.
    _keep_snapshots()
    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls between
    # page loads are still plain synchronous code, so Django's async-safety guard is lifted only
    # while the browser lives (never for the rest of the suite or its subprocesses).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, snapshot in _snapshots.items():
                connections[alias]._test_serialized_contents = snapshot
            # Chromium's sandbox needs user namespaces, which containers running as root lack.
            args = ["--no-sandbox"] if os.geteuid() == 0 else []
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browsing(_playwright_browser, live_server, django_db_serialized_rollback, settings, tmp_path):
    """Opens pages on the live server; each test gets fresh browser contexts (no shared cookies).

    The live server needs a transactional database; serialized rollback restores the rows of the
    data migrations (groups, regions, coaching types, the target) that the flush between tests removes.
    Background work goes as in production: queued in the database and run by a real worker process
    (`manage.py worker`) against the test database, which writes files where the live server reads them.
    """
    _keep_snapshots()  # when the test database was created inside this module's browser context
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "worker-logs").mkdir()
    workers = Workers("database", settings.MEDIA_ROOT, tmp_path / "worker-logs")
    workers.start()
    session = Browsing(_playwright_browser, live_server.url)
    session.workers = workers
    try:
        yield session
    finally:
        session.close()
        workers.stop_all()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last: a live server needs real transactions, so the database is flushed after
    each of them, and a later transactional test without serialized rollback would meet empty
    tables (no groups, regions or coaching types)."""
    browser_tests = [item for item in items if item.get_closest_marker("e2e")]
    if browser_tests:
        items[:] = [item for item in items if not item.get_closest_marker("e2e")] + browser_tests


def pytest_terminal_summary(terminalreporter):
    if _missing:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(f"{_missing[0]}. Set CI=1 to make this a failure.", red=True)


# The local WhatsApp/SMS gateways of the channel tests, for journeys that send codes.
from tests.notifications.gateway_servers import whatsapp_gateway  # noqa: E402, F401
