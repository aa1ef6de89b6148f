from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "relais.insights"
    label = "insights"

    def ready(self) -> None:
        # Registers the "insights_rollup" job handler.
        from relais.insights import services  # noqa: F401

        try:
            from relais.network.portal import portal_section_register
        except ImportError:  # the portal home without sections still works
            return
        portal_section_register(key="insights", template="insights/partials/portal_section.html", order=60)
