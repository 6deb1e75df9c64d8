from django.contrib.auth.management import create_permissions
from django.db import migrations


def editors_read_messages(apps, schema_editor):
    """Editors read the messages of the contact and accessibility forms in the admin ("Messages")."""
    # Permissions are otherwise created after all migrations (post_migrate): create cms's now.
    app_config = apps.get_app_config("cms")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    editors = Group.objects.filter(name="Editors").first()
    view = Permission.objects.filter(content_type__app_label="cms", codename="view_sitemessage").first()
    if editors and view:
        editors.permissions.add(view)


class Migration(migrations.Migration):
    dependencies = [("cms", "0008_site_pages")]

    operations = [migrations.RunPython(editors_read_messages, migrations.RunPython.noop)]
