from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from django.urls import register_converter
        from wagtail.signals import page_published

        # Register the rules, the data export, and the receivers that keep the organisations' sections.
        from consultations import permissions, privacy, sections  # noqa: F401
        from consultations.models import ConsultationPage
        from core.converters import IdConverter

        # Every publication (admin, schedule, code): the follow-up updates it makes public are dated.
        page_published.connect(
            _consultation_published, sender=ConsultationPage, dispatch_uid="consultations.updates_release"
        )

        # `<id:…>` in URLs (here and in the admin hooks): before any URL module is read.
        register_converter(IdConverter, "id")


def _consultation_published(sender, instance, **kwargs):
    from consultations.services.follows import updates_release

    updates_release(consultation=instance)
