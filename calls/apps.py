from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    label = "calls"
    verbose_name = _("Calls for projects")

    def ready(self):
        from accounts.backends import user_flag_register

        # Register the rules, the data export, and the tasks the services queue by name (core/outbox.py
        # publishes them from this process too).
        from calls import permissions, privacy, tasks  # noqa: F401
        from calls.models import Assignment
        from calls.notifications import topics_register

        topics_register()
        # The account menu links to "My evaluations" for those who have some, at no query of its own.
        user_flag_register("has_evaluations", model=Assignment, column="evaluator_id")
