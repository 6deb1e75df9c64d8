from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0006_theme_corrections"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportcompilestate",
            name="task_id",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
