"""The Celery app. Without REDIS_URL, settings make every task run in-process (eager). The
tasks live in the apps' feature packages, which load them when Django starts (weft/apps.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weft.settings")

app = Celery("weft")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
