from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo coalition (``manage.py loaddemo``), built through the same services as users'
    own edits. No models."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
