from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "commons"
    label = "commons"
    verbose_name = _("Initiatives commons")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from commons import permissions, privacy  # noqa: F401  (register the rules and the data export)
        from commons.models import Initiative

        # Who manages which initiatives in the back office: the rules of permissions.py.
        register_permission_policy(Initiative, permissions.InitiativePermissionPolicy(Initiative))
