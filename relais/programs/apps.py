from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "relais.programs"
    label = "programs"
