from django.apps import AppConfig


class AlliesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "allies"
