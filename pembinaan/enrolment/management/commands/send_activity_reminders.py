import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from pembinaan.enrolment.reminders import activity_reminders_queue


class Command(BaseCommand):
    help = (
        "Queue a reminder email to every registered participant of an activity that starts tomorrow "
        "(WITA). Safe to run more than once a day: nobody is reminded twice. The workers already do "
        "this every hour; this command is for running it by hand or from cron."
    )

    def handle(self, *args, **options):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        queued = activity_reminders_queue(day=tomorrow)
        self.stdout.write(f"{queued} reminder(s) queued for activities on {tomorrow:%Y-%m-%d}.")
