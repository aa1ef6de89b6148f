from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "relais.incentives"
    label = "incentives"
