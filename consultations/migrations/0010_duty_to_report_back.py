from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("consultations", "0009_receipt_sent_at")]

    operations = [
        migrations.AddField(
            model_name="consultationpage",
            name=name,
            field=models.TextField(default="", help_text=help_text, verbose_name=verbose_name),
            preserve_default=False,
        )
        for name, verbose_name, help_text in [
            ("decision_at_stake", "decision at stake", "What will be decided, by whom, and when."),
            (
                "what_can_change",
                "what can change",
                "What the contributions can still change, and what is already settled.",
            ),
            (
                "use_of_contributions",
                "how contributions will be used",
                "How the answers will be analysed, and when and where the outcome will be published.",
            ),
        ]
    ]
