from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "relais.followups"
    label = "followups"
