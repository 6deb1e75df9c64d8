from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "reports"
    label = "feedback"
    verbose_name = _("Feedback reports")

    def ready(self):
        from reports import listeners  # Django's place for connecting listeners, once the models are ready

        listeners.connect()
