"""Following a consultation, and the follow-up updates released to its followers."""

from django.utils import timezone

from consultations.models import ConsultationPage, ConsultationUpdateRelease, Follow


def follow_set(*, consultation: ConsultationPage, user, following: bool) -> None:
    """Follow or stop following a consultation (idempotent)."""
    if following:
        Follow.objects.get_or_create(consultation=consultation, user=user)
    else:
        Follow.objects.filter(consultation=consultation, user=user).delete()


def updates_release(*, consultation: ConsultationPage, moment=None) -> int:
    """Called on each publication of a consultation page: its follow-up updates published for the first
    time get their release date, which the weekly digest goes by (republishing releases nothing again)."""
    moment = moment or timezone.now()
    new = [
        ConsultationUpdateRelease(update_id=pk, released_at=moment)
        for pk in consultation.updates.filter(release__isnull=True).values_list("pk", flat=True)
    ]
    ConsultationUpdateRelease.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
