from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the portal on a server: health endpoints, request logs, error reports."""

    name = "pembinaan.ops"

    def ready(self) -> None:
        # At start-up, once settings are loaded: error reports cover every request and task.
        from pembinaan.ops.error_reporting import start_error_reporting  # noqa: PLC0415

        start_error_reporting()
