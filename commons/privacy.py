"""What the commons hold about a person, for "Download my data" (reuses stay, without author, when an
account is deleted: `Reuse.person` is set to null)."""

from accounts.privacy import register_exporter
from commons.models import Reuse


@register_exporter("initiative_reuses")
def reuses_export(user) -> list[dict]:
    return [
        {
            "initiative": reuse.initiative.title,
            "territory": reuse.territory.name,
            "comment": reuse.comment,
            "date": reuse.created_at.isoformat(),
        }
        for reuse in Reuse.objects.filter(person=user).select_related("initiative", "territory")
    ]
