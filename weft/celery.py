"""The Celery app. Without REDIS_URL, settings make every task run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weft.settings")

app = Celery("weft")
app.config_from_object("django.conf:settings", namespace="CELERY")


def task_packages() -> list[str]:
    """The installed apps and their feature packages (weft/apps.py): Celery imports the
    ``tasks`` module of each that has one."""
    from django.apps import apps

    names = []
    for config in apps.get_app_configs():
        names.append(config.name)
        names.extend(getattr(config, "package_names", list)())
    return names


app.autodiscover_tasks(task_packages)
