"""Gateways on 127.0.0.1 for the WhatsApp and SMS channels."""

from tests.notifications.gateway_servers import (  # noqa: F401  (shared fixtures)
    no_text_gateway,
    silent_gateway,
    sms_gateway,
    whatsapp_gateway,
)
