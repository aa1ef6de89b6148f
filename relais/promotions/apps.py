from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "relais.promotions"
    label = "promotions"
