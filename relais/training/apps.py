from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "relais.training"
    label = "training"
