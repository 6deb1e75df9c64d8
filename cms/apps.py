from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self):
        # Register the data export, the receivers, and the tasks the services queue by name
        # (core/outbox.py publishes them from this process too).
        from cms import listeners, privacy, tasks  # noqa: F401

        listeners.connect()
