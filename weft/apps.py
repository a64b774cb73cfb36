"""What the apps' configurations share: feature packages inside an app."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig


class FeaturePackagesConfig(AppConfig):
    """An app whose feature packages (``coalitions/connect/``, ``networks/map/``, …) keep their
    own models, admin and tasks. The app label, tables and migrations stay the app's: Django
    loads the packages' models with the app's own, and their admin and Celery tasks once the
    registry is ready, so that a task queued by name (weft/queue.py) is known in every
    process, web and worker alike."""

    default = False  # a base for the apps' own configurations, never chosen by itself
    default_auto_field = "django.db.models.BigAutoField"
    feature_packages: tuple[str, ...] = ()

    def package_names(self) -> list[str]:
        return [f"{self.name}.{package}" for package in self.feature_packages]

    def import_models(self):
        super().import_models()
        for package in self.package_names():
            if find_spec(f"{package}.models") is not None:
                import_module(f"{package}.models")

    def ready(self):
        for package in self.package_names():
            for room in ("admin", "tasks"):
                if find_spec(f"{package}.{room}") is not None:
                    import_module(f"{package}.{room}")


class WeftConfig(AppConfig):
    """The base itself, as an app for its own tables (weft/models.py) and tasks."""

    default = True
    name = "weft"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import_module("weft.tasks")  # the outbox's drain task, known in every process
