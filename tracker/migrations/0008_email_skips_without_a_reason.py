"""A skip from the reminder email was once given the reason "Skipped from the reminder email",
which the source (email) already says: History, the CSVs and the FHIR Bundle said it twice.
Such reasons are cleared; the same words typed in the app are hers and stay."""

from django.db import migrations

EMAIL_SKIP_REASON = "Skipped from the reminder email"


def forget_email_skip_reason(apps, schema_editor):
    DoseLog = apps.get_model("tracker", "DoseLog")
    DoseLog.objects.filter(source="email", skip_reason=EMAIL_SKIP_REASON).update(skip_reason="")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0007_snooze_link_once")]

    operations = [migrations.RunPython(forget_email_skip_reason, migrations.RunPython.noop)]
