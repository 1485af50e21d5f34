from tests.notifications.gateway_servers import (  # noqa: F401  (shared fixtures)
    no_text_gateway,
    silent_gateway,
    sms_gateway,
    whatsapp_gateway,
)
from tests.ownerspace.conftest import media, mine, theirs  # noqa: F401  (shared fixtures)
