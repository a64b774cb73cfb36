from django.apps import AppConfig


class CoalitionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coalitions"

    def ready(self):
        # The Celery app, configured from settings before any task is queued (shared tasks
        # bind to the current app when they are first called). Not in weft/__init__.py: see
        # there why.
        import weft.celery  # noqa: F401
