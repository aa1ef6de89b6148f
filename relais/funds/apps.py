from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "relais.funds"
    label = "funds"
