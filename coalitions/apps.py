from django.apps import AppConfig


class CoalitionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coalitions"
