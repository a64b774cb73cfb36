from django.apps import AppConfig


class AlliesConfig(AppConfig):
    """The actors of the map and where they stand."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "allies"
