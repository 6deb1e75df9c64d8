from django.db import migrations
from django.utils import timezone


def announced_already(apps, schema_editor):
    """Outcome pages published before announcements existed were never announced by e-mail; they are
    marked as announced, so that republishing one (to fill in its new sections) does not write to
    every participant as if it were new."""
    OutcomePage = apps.get_model("cms", "OutcomePage")
    OutcomeAnnouncement = apps.get_model("cms", "OutcomeAnnouncement")
    now = timezone.now()
    published = OutcomePage.objects.filter(first_published_at__isnull=False).values_list("pk", flat=True)
    known = set(OutcomeAnnouncement.objects.values_list("page_id", flat=True))
    OutcomeAnnouncement.objects.bulk_create(
        OutcomeAnnouncement(page_id=pk, finished_at=now) for pk in published if pk not in known
    )


class Migration(migrations.Migration):
    dependencies = [("cms", "0009_editors_read_site_messages")]

    operations = [migrations.RunPython(announced_already, migrations.RunPython.noop)]
