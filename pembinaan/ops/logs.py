"""The pieces settings.LOGGING is made of: JSON lines for journald, and the filters every line passes.

In production each record is one JSON object on one line of stderr (journald keeps it, `journalctl
-u umkm-portal -o cat | jq` reads it); in development the same records print as plain text. Every
record carries the id of the request it belongs to, so the request line of `portal.requests` and the
traceback of the same failing request can be found together.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging

from pembinaan.ops.scrubbing import scrub_text

# The id of the request being served in this thread or task ("-" outside any request).
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Attributes every LogRecord has; whatever else a record carries came as `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Django's log_response() attaches the HttpRequest itself: an object, not a field.
_NOT_FIELDS = _STANDARD | {"request", "request_id"}


def loggable_path(request) -> str:
    """The request's path as far as it is safe to log: never the query string (searches by NIK or
    name go there), and for a URL whose pattern captures anything but numbers (a claim token, a
    password-reset link) the pattern instead of the values. A number typed where an id goes may be
    a NIK or a phone number: masked like everything else in the log."""
    match = getattr(request, "resolver_match", None)
    if match is not None and not all(
        isinstance(value, int) for value in [*match.args, *match.kwargs.values()]
    ):
        return "/" + match.route
    return scrub_text(request.path)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx answer once more after the middleware has finished (and the
        # context is gone); such records carry the request, which carries its id.
        record.request_id = getattr(getattr(record, "request", None), "request_id", None) or request_id.get()
        return True


class ExpectedErrorsFilter(logging.Filter):
    """A 403 or 404 (or any 4xx) is the portal working as meant: one line, no traceback.

    Django's `django.request` logger attaches the PermissionDenied to every 403 it logs, and a full
    traceback per refused page buried the real errors. 5xx records keep theirs, except /readyz's
    503, which is the probe's answer (each failing check has logged its warning), not an error of
    the portal: dropped, so that an outage polled every few seconds is not an error (and an error
    report) every few seconds.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int):
            return True
        if status < 500:
            record.exc_info = None
            record.exc_text = None
            return True
        match = getattr(getattr(record, "request", None), "resolver_match", None)
        return not (status == 503 and match is not None and match.view_name == "ops:readyz")


class RequestPathFilter(logging.Filter):
    """Django's own lines about a request ("Not Found: /path", "Gone: /path") name its path as the
    request log does (`loggable_path`), so that a claim token or a reset link never reaches the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple):
            # log_response() hands the path over escaped (non-ASCII characters as escapes).
            forms = {path, path.encode("unicode_escape").decode("ascii")}
            safe = loggable_path(request)
            record.args = tuple(safe if arg in forms else arg for arg in record.args)
        return True


class PersonalDataFilter(logging.Filter):
    """Masks anything that looks like a NIK, a phone number or an e-mail address in the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub_text(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, request id, message, the record's `extra`
    fields (a request line's method, path, status…) and the traceback if any, all on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id.get()),
            "message": scrub_text(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _NOT_FIELDS and not key.startswith("_"):
                line[key] = scrub_text(value) if isinstance(value, str) else value
        if record.exc_info:
            line["traceback"] = scrub_text(self.formatException(record.exc_info))
        elif record.exc_text:
            line["traceback"] = scrub_text(record.exc_text)
        return json.dumps(line, ensure_ascii=False, default=str)
