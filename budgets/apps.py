from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    label = "budgets"
    verbose_name = _("Participatory budgets")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from budgets import permissions, privacy  # noqa: F401  (register the rules and the data export)
        from budgets.models import PublicVote

        # Who sets up which public votes in the back office: the rules of permissions.py.
        register_permission_policy(PublicVote, permissions.PublicVotePermissionPolicy(PublicVote))
