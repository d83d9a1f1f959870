"""The Celery app. Without REDIS_URL tasks run eagerly in-process (settings.CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voroc.settings")

app = Celery("voroc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def keep_django_logging(**kwargs) -> None:
    """Workers log as the web processes do (settings.LOGGING, set up by Django; level LOG_LEVEL): Celery does not
    replace the handlers with its own, so every log line has the same format and the same care (no BSN)."""
