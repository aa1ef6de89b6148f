from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "relais.insights"
    label = "insights"
