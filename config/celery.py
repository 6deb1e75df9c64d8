"""The Celery application: configured from Django's settings (the `CELERY_` ones), tasks found in the apps."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("concerto")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def logging_configure(**kwargs):
    """Workers and beat log through Django's LOGGING (JSON lines, no personal data), not Celery's own."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
