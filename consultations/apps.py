from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from django.urls import register_converter

        # Register the rules, the data export, the receivers that keep the organisations' sections, and
        # the tasks the services queue by name (core/outbox.py publishes them from this process too).
        from consultations import listeners, permissions, privacy, sections, tasks  # noqa: F401
        from core.converters import IdConverter

        listeners.connect()

        # `<id:…>` in URLs (here and in the admin hooks): before any URL module is read.
        register_converter(IdConverter, "id")
