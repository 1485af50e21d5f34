from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from pembinaan.enrolment import consent


class PrivacyConfig(AppConfig):
    name = "pembinaan.privacy"
    verbose_name = _("Data pribadi")

    def ready(self) -> None:
        from pembinaan.notifications import services as outbox  # noqa: PLC0415 — it uses models, loaded only now
        from pembinaan.privacy import selectors  # noqa: PLC0415 — it uses models, loaded only now

        # The apps below read what this one keeps: whether consent was withdrawn (the reminder,
        # the public profile) and the person's chosen channel (the outbox).
        consent.withdrawal_reader_register(selectors.withdrawal_on_record)
        outbox.channel_choice_register(
            outbox.ChannelChoice(
                of_owner=selectors.notice_channel, of_account=selectors.account_notice_channel
            )
        )
