from django.apps import AppConfig


class StockConfig(AppConfig):
    name = "relais.stock"
    label = "stock"
