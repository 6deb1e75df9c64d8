from django.db import migrations, models


def create_organisation_editors_group(apps, schema_editor):
    """Editors of an organisation reach the back office through this group; their rights on the
    organisation's pages come with its section's group (consultations/sections.py)."""
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group, _ = Group.objects.get_or_create(name="Organisation editors")
    group.permissions.add(access_admin)


ROLES = [("official", "Official"), ("moderator", "Moderator"), ("editor", "Editor")]


class Migration(migrations.Migration):
    dependencies = [("accounts", "0014_territory_parent_label")]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(choices=ROLES, default="official", max_length=20, verbose_name="role"),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="role",
            field=models.CharField(choices=ROLES, max_length=20, verbose_name="role"),
        ),
        migrations.RunPython(create_organisation_editors_group, migrations.RunPython.noop),
    ]
