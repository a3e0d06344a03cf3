from django import forms

from tracker.forms.fields import TimeOfDayField
from tracker.forms.setup import CrispyForm
from tracker.models import ReminderSettings

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ReminderSettingsForm(CrispyForm, forms.ModelForm):
    regimens = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Remind me for these regimens",
    )

    class Meta:
        model = ReminderSettings
        fields = ["email_enabled", "push_enabled", "follow_up", "quiet_start", "quiet_end"]
        widgets = {"quiet_start": TIME_INPUT, "quiet_end": TIME_INPUT}
        field_classes = {"quiet_start": TimeOfDayField, "quiet_end": TimeOfDayField}
        help_texts = {
            "quiet_start": "No reminders in this time, e.g. 23:00 to 06:00. Leave both empty for none.",
            "push_enabled": "On the devices listed below. Email, push, or both: tick what you want.",
        }

    def __init__(self, *args, mother, push: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.mother = mother
        if not push:  # no VAPID keys on this server: nothing could be pushed
            del self.fields["push_enabled"]
        regimens = mother.regimens.select_related("product")
        self.fields["regimens"].queryset = regimens
        self.fields["regimens"].initial = [r.pk for r in regimens if r.reminders_enabled]
        self.helper = self._helper()

    def _post_clean(self):
        # A quiet hour that is no time is said so on its field; judging the pair then
        # ("give both ends, or neither") would blame her for something she did not do.
        if not {"quiet_start", "quiet_end"} & set(self.errors):
            super()._post_clean()
