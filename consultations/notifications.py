"""The weekly digest: what happened to the consultations a person follows."""

from datetime import timedelta

from .models import ConsultationPage

CLOSING_SOON = timedelta(days=7)


def digest_items(*, user, since, now) -> list[dict]:
    """News since `since` on the consultations `user` follows: opened, closing soon, outcomes published."""
    items = []
    consultations = ConsultationPage.objects.live().filter(follows__user=user).order_by("closes_at")
    for consultation in consultations:
        news = []
        if since <= consultation.opens_at <= now:
            news.append("opened")
        if now < consultation.closes_at <= now + CLOSING_SOON:
            news.append("closing_soon")
        outcomes = list(consultation.outcome_pages.live().filter(first_published_at__gte=since))
        if news or outcomes:
            items.append({"consultation": consultation, "news": news, "outcomes": outcomes})
    return items
