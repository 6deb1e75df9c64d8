from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        from opendata import listeners  # Django's place for connecting listeners, once the models are ready

        listeners.connect()
