from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self):
        from wagtail.signals import page_published

        from . import privacy  # noqa: F401  (register the data export)
        from .models import OutcomePage

        # The one way to hear of every publication, from the admin, a scheduled publication or code;
        # the service decides what it means.
        page_published.connect(_outcome_published, sender=OutcomePage, dispatch_uid="cms.outcome_published")


def _outcome_published(sender, instance, **kwargs):
    from .services import outcome_published

    outcome_published(page=instance)
