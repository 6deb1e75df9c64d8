from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def parent_labels_fill(apps, schema_editor):
    """What `Territory.save` stores, for the territories already loaded: the département's code of each
    commune, the commune's name of each arrondissement (one UPDATE each, not a row at a time)."""
    Territory = apps.get_model("accounts", "Territory")
    parents = Territory.objects.filter(pk=OuterRef("parent_id"))
    Territory.objects.filter(kind="commune", parent__isnull=False).update(
        parent_label=Subquery(parents.values("code")[:1])
    )
    Territory.objects.filter(kind="arrondissement", parent__isnull=False).update(
        parent_label=Subquery(parents.values("name")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_user_email_moderation"),
    ]

    operations = [
        migrations.AddField(
            model_name="territory",
            name="parent_label",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(parent_labels_fill, migrations.RunPython.noop, elidable=True),
    ]
