from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from pembinaan.jobs.upkeep import register_chore
from pembinaan.lib import messaging


class NotificationsConfig(AppConfig):
    name = "pembinaan.notifications"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        from pembinaan.notifications import services, tasks  # noqa: PLC0415 — they use models, loaded only now

        # accounts, below this app, sends its codes and reset links through the message port.
        messaging.plug_in(
            messaging.Sender(
                send_email=services.queue_rendered_email,
                send_code=services.access_code_queue,
                codes_reach_phones=services.access_codes_reach_phones,
            )
        )
        # Every minute: retries that are due and messages whose own task was never queued.
        register_chore(name="outbox", run=tasks.outbox_chore, every_seconds=60)
