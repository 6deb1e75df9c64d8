"""The weekly digest: what happened to the consultations a person follows."""

from datetime import timedelta

from django.db.models import Prefetch

from consultations.models import ConsultationPage, ConsultationUpdate

CLOSING_SOON = timedelta(days=7)


def digest_items(*, user, since, now) -> list[dict]:
    """News between `since` (included) and `now` (excluded) on the consultations `user` follows: opened,
    closing soon, outcomes published, follow-up updates released (first published) in that period."""
    items = []
    # The outcome pages' model belongs to the site (cms), reached through the relation it declares.
    outcome_model = ConsultationPage._meta.get_field("outcome_pages").related_model
    consultations = (
        ConsultationPage.objects.live()
        .public()
        .filter(follows__user=user)
        .order_by("closes_at")
        .prefetch_related(
            Prefetch(
                "outcome_pages",
                queryset=outcome_model.objects.live()
                .public()
                .filter(first_published_at__gte=since, first_published_at__lt=now),
                to_attr="recent_outcomes",
            ),
            Prefetch(
                "updates",
                queryset=ConsultationUpdate.objects.filter(
                    release__released_at__gte=since, release__released_at__lt=now
                ).order_by("published_on", "pk"),
                to_attr="recent_updates",
            ),
        )
    )
    for consultation in consultations:
        news = []
        if since <= consultation.opens_at < now:
            news.append("opened")
        if now < consultation.closes_at <= now + CLOSING_SOON:
            news.append("closing_soon")
        outcomes, updates = consultation.recent_outcomes, consultation.recent_updates
        if news or outcomes or updates:
            items.append(
                {"consultation": consultation, "news": news, "outcomes": outcomes, "updates": updates}
            )
    return items
