import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.notifications.notices import activity_reminder


class Command(BaseCommand):
    help = (
        "Queue a reminder email to every registered participant of an activity that starts tomorrow "
        "(WITA). Safe to run more than once a day: nobody is reminded twice. Meant for cron, daily."
    )

    def handle(self, *args, **options):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        participations = (
            Participation.objects.filter(
                activity__start_date=tomorrow,
                status=ParticipationStatus.REGISTERED,
                business__merged_into__isnull=True,
            )
            .exclude(activity__status=Activity.Status.CANCELLED)
            .exclude(business__owner__email="")
            .select_related("activity", "business__owner")
            .order_by("pk")
        )
        queued = sum(1 for p in participations if activity_reminder(p))
        self.stdout.write(f"{queued} reminder(s) queued for activities on {tomorrow:%Y-%m-%d}.")
