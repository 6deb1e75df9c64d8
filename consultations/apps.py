from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from django.urls import register_converter

        from config.converters import IdConverter

        from . import permissions, privacy  # noqa: F401  (register the rules and the data export)

        # `<id:…>` in URLs (here and in the admin hooks): before any URL module is read.
        register_converter(IdConverter, "id")
