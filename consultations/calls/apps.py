from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "consultations.calls"
    label = "calls"
    verbose_name = _("Calls for projects")

    def ready(self):
        from . import permissions, privacy  # noqa: F401  (register the rules and the data export)
        from .notifications import topics_register

        topics_register()
