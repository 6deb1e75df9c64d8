"""What consultations do when Wagtail announces something; connected once, by
`ConsultationsConfig.ready()`."""

from wagtail.signals import page_published

from consultations.models import ConsultationPage
from consultations.services.follows import updates_release


def _consultation_published(sender, instance, **kwargs):
    updates_release(consultation=instance)


def connect() -> None:
    # Every publication (admin, schedule, code): the follow-up updates it makes public are dated.
    page_published.connect(
        _consultation_published, sender=ConsultationPage, dispatch_uid="consultations.updates_release"
    )
