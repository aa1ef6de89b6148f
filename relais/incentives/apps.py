from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "relais.incentives"
    label = "incentives"

    def ready(self) -> None:
        from relais.incentives import services  # noqa: F401  (registers the "incentives_score" job handler)
        from relais.network.portal import portal_section_register

        def points_context(request, partner):
            from relais.incentives.selectors import account_summary

            return {"summary": account_summary(partner=partner, user=request.user)}

        portal_section_register(
            key="points", template="incentives/partials/portal_section.html", order=30, context=points_context
        )
