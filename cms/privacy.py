"""What the site holds about a person (for "Download my data"): the outcome pages we e-mailed them, and
when a member of staff last opened the back office's first screen."""

from accounts.privacy import register_exporter
from cms.models import DashboardVisit, OutcomeNotification


@register_exporter("outcome_emails")
def outcome_emails_export(user) -> list[dict]:
    return [
        {"outcome_page": notification.page.title, "sent_at": notification.sent_at.isoformat()}
        for notification in OutcomeNotification.objects.filter(user=user).select_related("page")
    ]


@register_exporter("back_office_visits")
def back_office_visits_export(user) -> list[dict]:
    return [{"last_seen_at": visit.seen_at.isoformat()} for visit in DashboardVisit.objects.filter(user=user)]
