"""The outbox's model now belongs to core (core/migrations/0001): accounts stops recording it, and its
table stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0015_organisation_editors"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxTask")],
            database_operations=[],
        ),
    ]
