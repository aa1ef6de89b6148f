from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "relais.catalog"
    label = "catalog"
