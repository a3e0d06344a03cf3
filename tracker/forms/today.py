"""Small forms behind the Today page's one-tap buttons."""

from django import forms

from tracker.forms.fields import OtherThanBreastMilkField
from tracker.models import DoseLog, SymptomEntry
from tracker.models.symptoms import MAX_STRAINING_MINUTES


class QuickSymptomForm(forms.Form):
    kind = forms.ChoiceField(choices=SymptomEntry.Kind.choices)
    size = forms.ChoiceField(choices=SymptomEntry.Size.choices, required=False)
    is_vomiting = forms.BooleanField(required=False)
    severity = forms.IntegerField(min_value=0, max_value=3, required=False)
    stool_consistency = forms.IntegerField(min_value=1, max_value=7, required=False)
    stool_colour = forms.ChoiceField(choices=SymptomEntry.StoolColour.choices, required=False)
    straining_minutes = forms.IntegerField(min_value=0, max_value=MAX_STRAINING_MINUTES, required=False)

    def cleaned_details(self) -> dict:
        """The fields that were given, ready for ``symptom_log``."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class SlotAnswerForm(forms.Form):
    slot_time = forms.TimeField()
    status = forms.ChoiceField(choices=DoseLog.Status.choices)


class DailyCheckForm(forms.Form):
    no_symptoms = forms.BooleanField(required=False, label="No symptoms today")
    other_than_breast_milk = OtherThanBreastMilkField(label="Anything other than breast milk today?")
    notes = forms.CharField(required=False, max_length=500)
