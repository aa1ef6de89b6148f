from django.apps import AppConfig


class MerchandisingConfig(AppConfig):
    name = "relais.merchandising"
    label = "merchandising"
