from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site

        # Register the e-mail topics, and the tasks the services queue by name (core/outbox.py publishes
        # them from this process too).
        from accounts import tasks, topics  # noqa: F401
        from core.notifications import site_name_forget

        # The platform's name in e-mails is kept in the cache (notifications.site_name).
        post_save.connect(site_name_forget, sender=Site, dispatch_uid="accounts.site_name.saved")
        post_delete.connect(site_name_forget, sender=Site, dispatch_uid="accounts.site_name.deleted")
