from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "relais.webhooks"
    label = "webhooks"
