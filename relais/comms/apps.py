from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "relais.comms"
    label = "comms"
