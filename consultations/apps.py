from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from . import permissions, privacy  # noqa: F401  (register the rules and the data export)
