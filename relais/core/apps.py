from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "relais.core"
    label = "core"

    def ready(self) -> None:
        # Every app declares its background work in its tasks.py; register it all before any job runs.
        from relais.core.jobs import job_handlers_discover  # noqa: PLC0415  (models are not ready at import)

        job_handlers_discover()
