from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        # Django's place for connecting listeners, once the models are ready; and for registering the tasks
        # the services queue by name (core/outbox.py publishes them from this process too).
        from opendata import listeners, tasks  # noqa: F401

        listeners.connect()
