from django.core.management.base import BaseCommand

from pembinaan.notifications.delivery import send_due


class Command(BaseCommand):
    help = (
        "Send the outbox messages that are due (new ones and retries), in this process. The workers "
        "already do this every minute; this command is for running it by hand or from cron."
    )

    def handle(self, *args, **options):
        sent, failed = send_due()
        self.stdout.write(f"{sent} sent, {failed} failed (will be retried or shown to staff).")
