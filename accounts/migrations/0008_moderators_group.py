from django.db import migrations


def create_moderators_group(apps, schema_editor):
    """Moderators reach the moderation queue in the back office through this group (no page rights)."""
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group, _ = Group.objects.get_or_create(name="Contribution moderators")
    group.permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_digest_sent_at")]

    operations = [migrations.RunPython(create_moderators_group, migrations.RunPython.noop)]
