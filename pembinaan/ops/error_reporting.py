"""Optional error reports to Sentry (or a self-hosted Sentry or GlitchTip): only when SENTRY_DSN is set.

Reports carry no personal data: Sentry's own `send_default_pii=False`, no request bodies and no
local variables, and `scrub_event` as the last step before anything leaves the server.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from pembinaan.ops.scrubbing import scrub_event


def sentry_options() -> dict[str, Any]:
    """The arguments of `sentry_sdk.init` (without the integrations, which import Sentry)."""
    return {
        "dsn": settings.SENTRY_DSN,
        "environment": settings.SENTRY_ENVIRONMENT,
        "release": settings.SENTRY_RELEASE or None,
        "send_default_pii": False,
        "before_send": scrub_event,
        # Performance traces carry the same request data as errors, if SENTRY_TRACES_SAMPLE_RATE is set.
        "before_send_transaction": scrub_event,
        "max_request_body_size": "never",
        # Frames' local variables hold owners, forms and querysets: names, NIKs, phone numbers.
        "include_local_variables": False,
        # Errors only: performance tracing is off unless asked for (None turns it off entirely).
        "traces_sample_rate": settings.SENTRY_TRACES_SAMPLE_RATE or None,
    }


def start_error_reporting() -> bool:
    """Starts Sentry if SENTRY_DSN is set; answers whether it did."""
    if not settings.SENTRY_DSN:
        return False
    # Loaded only when used: without SENTRY_DSN no Sentry code runs in the portal at all.
    import sentry_sdk  # noqa: PLC0415
    from sentry_sdk.integrations.django import DjangoIntegration  # noqa: PLC0415

    sentry_sdk.init(integrations=[DjangoIntegration()], **sentry_options())
    return True
