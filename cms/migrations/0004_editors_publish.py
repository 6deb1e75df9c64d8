from django.db import migrations


def editors_publish(apps, schema_editor):
    """Editors publish pages themselves: Wagtail's default Editors group may only submit pages to the
    "Moderators approval" workflow, which is assigned to the whole tree. Administrators can assign a
    workflow again to a part of the tree where one is wanted."""
    Group = apps.get_model("auth.Group")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Page = apps.get_model("wagtailcore.Page")
    Permission = apps.get_model("auth.Permission")
    editors = Group.objects.filter(name="Editors").first()
    root = Page.objects.filter(depth=1).first()
    publish = Permission.objects.filter(content_type__app_label="wagtailcore", codename="publish_page").first()
    if editors and root and publish:
        GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=publish)
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    WorkflowPage.objects.filter(page=root).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_create_homepage"), ("wagtailcore", "0094_alter_page_locale")]

    operations = [migrations.RunPython(editors_publish, migrations.RunPython.noop)]
