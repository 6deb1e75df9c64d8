"""What the public site holds about a person: the outcome pages we e-mailed them (for "Download my data")."""

from accounts.privacy import register_exporter
from cms.models import OutcomeNotification


@register_exporter("outcome_emails")
def outcome_emails_export(user) -> list[dict]:
    return [
        {"outcome_page": notification.page.title, "sent_at": notification.sent_at.isoformat()}
        for notification in OutcomeNotification.objects.filter(user=user).select_related("page")
    ]
