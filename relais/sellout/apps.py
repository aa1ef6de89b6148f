from django.apps import AppConfig


class SelloutConfig(AppConfig):
    name = "relais.sellout"
    label = "sellout"
