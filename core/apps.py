from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The plumbing every app shares (page cache, outbox, e-mail, logs, time windows, domain events).
    It imports no app of the project."""

    name = "core"
    verbose_name = _("Shared plumbing")
    default_auto_field = "django.db.models.BigAutoField"
