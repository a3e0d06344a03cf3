"""A crying spell that has ended keeps its minutes: older timed spells get their span rounded
to the minute, as the stop button and the edit form already store it. A day's crying is then
the sum of the minutes History shows for its spells (two 10.5-minute spells are 10 + 10, not 21)."""

from django.db import migrations, models


def store_timed_minutes(apps, schema_editor):
    SymptomEntry = apps.get_model("tracker", "SymptomEntry")
    timed = SymptomEntry.objects.filter(kind="crying", ended_at__isnull=False, duration_minutes__isnull=True)
    for entry in timed.only("occurred_at", "ended_at").iterator():
        entry.duration_minutes = round((entry.ended_at - entry.occurred_at).total_seconds() / 60)
        entry.save(update_fields=["duration_minutes"])


class Migration(migrations.Migration):
    dependencies = [("tracker", "0008_email_skips_without_a_reason")]

    operations = [
        migrations.RunPython(store_timed_minutes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="symptomentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("duration_minutes__isnull", True),
                    ("ended_at__isnull", False),
                    ("kind", "crying"),
                    _negated=True,
                ),
                name="ended_crying_has_minutes",
                violation_error_message="A crying spell that has ended needs its minutes.",
            ),
        ),
    ]
