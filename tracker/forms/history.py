"""History: filtering the lists, and adding or correcting a record by hand.

Each ModelForm lets the model's ``clean()`` speak: its messages appear on the
form, on the field they name or, for a field the form doesn't show, above it.
Times are typed in the mother's own zone (the middleware activates it).
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from tracker.forms.setup import DATE_INPUT, DATETIME_INPUT, CrispyForm
from tracker.models import DailyCheck, DoseLog, FeedingSession, Infant, SymptomEntry

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
MSG_OWN_INFANT = "Choose one of your own babies."
MSG_CRYING_HOW_LONG = "Give the minutes, or the time the crying stopped."
NOTES_INPUT = forms.Textarea(attrs={"rows": 2})
PAIN_LEVELS = [("", "Choose"), (0, "0 · none"), (1, "1 · mild"), (2, "2 · clear"), (3, "3 · severe")]

#: The details that make sense for each kind of symptom.
SYMPTOM_DETAILS: dict[str, list[str]] = {
    SymptomEntry.Kind.REGURGITATION: ["size", "is_vomiting"],
    SymptomEntry.Kind.CRYING: ["ended_at", "duration_minutes"],
    SymptomEntry.Kind.ABDOMINAL_PAIN: ["severity"],
    SymptomEntry.Kind.STOOL: ["stool_consistency", "stool_colour", "straining_minutes"],
}


class HistoryFilterForm(forms.Form):
    """The GET filters above a history list. Invalid filters are reported and not applied."""

    infant = forms.ModelChoiceField(
        queryset=Infant.objects.none(),
        required=False,
        empty_label="All babies",
        label="Baby",
        error_messages={"invalid_choice": MSG_OWN_INFANT},
    )
    kind = forms.ChoiceField(
        choices=[("", "All symptoms"), *SymptomEntry.Kind.choices], required=False, label="Symptom"
    )
    date_from = forms.DateField(required=False, widget=DATE_INPUT, label="From")
    date_to = forms.DateField(required=False, widget=DATE_INPUT, label="To")

    def __init__(self, *args, mother, by_infant: bool = True, by_kind: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if by_infant:
            self.fields["infant"].queryset = Infant.objects.for_mother(mother)
        else:
            del self.fields["infant"]
        if not by_kind:
            del self.fields["kind"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(
                *[Column(name, css_class="col-6 col-sm") for name in self.fields],
                Column(
                    HTML('<button class="btn btn-outline-primary w-100 mb-3" type="submit">Filter</button>'),
                    css_class="col-12 col-sm-auto align-self-end",
                ),
            )
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The last day must be on or after the first day.")
        return data

    def filters(self) -> dict:
        """The valid filters as keyword arguments for a history selector (None: not filtered)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or None for name in self.fields}


class ModelMessagesMixin:
    """Put every message of the model's validation on the form, once.

    A message about a field the form doesn't show goes above the form, instead
    of Django refusing it; the same message twice (field validator and
    ``clean()`` both checking a range) is shown once.
    """

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            grouped: dict[str, list[ValidationError]] = {}
            for name, errors in error.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                shown = set(self._errors.get(key, [])) if self._errors is not None else set()
                for item in errors:
                    text = " ".join(item.messages)
                    if text not in shown:
                        shown.add(text)
                        grouped.setdefault(key, []).append(item)
            if not grouped:
                return
            error = ValidationError(grouped)
        super().add_error(field, error)


def _limit_to_her_infants(form: forms.BaseForm, mother) -> None:
    """Offer only her babies; with one baby, choose it for her."""
    field = form.fields["infant"]
    field.queryset = Infant.objects.for_mother(mother)
    infants = list(field.queryset[:2])
    if len(infants) == 1:
        field.empty_label = None
        form.initial["infant"] = form.initial.get("infant") or infants[0].pk


class DoseForm(ModelMessagesMixin, CrispyForm, forms.ModelForm):
    class Meta:
        model = DoseLog
        fields = ["status", "taken_at", "skip_reason"]
        widgets = {"status": forms.RadioSelect, "taken_at": DATETIME_INPUT}
        labels = {"taken_at": "Taken at", "skip_reason": "Why it was skipped (optional)"}
        help_texts = {"taken_at": "Your local time. Ignored for a skipped dose."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taken_at"].input_formats = DATETIME_FORMATS
        self.helper = self._helper()


class FeedForm(ModelMessagesMixin, CrispyForm, forms.ModelForm):
    """A feed typed in afterwards (with the baby) or corrected (the baby stays)."""

    minutes_left = forms.IntegerField(label="Minutes on the left", min_value=0, max_value=240, required=False)
    minutes_right = forms.IntegerField(
        label="Minutes on the right", min_value=0, max_value=240, required=False
    )

    class Meta:
        model = FeedingSession
        fields = [
            "infant",
            "started_at",
            "ended_at",
            "method",
            "start_side",
            "switches",
            "bottle_ml",
            "notes",
        ]
        widgets = {"started_at": DATETIME_INPUT, "ended_at": DATETIME_INPUT, "notes": NOTES_INPUT}
        labels = {
            "infant": "Baby",
            "started_at": "Started",
            "ended_at": "Ended",
            "start_side": "Started on the",
            "switches": "Side switches",
        }
        help_texts = {"ended_at": "Your local time."}
        error_messages = {"infant": {"invalid_choice": MSG_OWN_INFANT}}

    def __init__(self, *args, mother, **kwargs):
        super().__init__(*args, **kwargs)
        feed = self.instance
        if feed.pk is None:
            _limit_to_her_infants(self, mother)
            self.fields["ended_at"].required = True
        else:
            del self.fields["infant"]
            if feed.is_running:
                self.fields["ended_at"].help_text = "Leave empty while the feed is still going."
        for name in ("started_at", "ended_at"):
            self.fields[name].input_formats = DATETIME_FORMATS
        self.initial.setdefault("minutes_left", round(feed.left_seconds / 60))
        self.initial.setdefault("minutes_right", round(feed.right_seconds / 60))
        self.order_fields(
            ["infant", "started_at", "ended_at", "method", "start_side", "minutes_left", "minutes_right"]
        )
        self.helper = self._helper()

    def clean(self):
        data = super().clean()
        # Keep the timer's exact seconds unless she typed new minutes.
        for side in ("left", "right"):
            name = f"minutes_{side}"
            if name in self.changed_data and name in data:
                setattr(self.instance, f"{side}_seconds", (data[name] or 0) * 60)
        return data


class SymptomForm(ModelMessagesMixin, CrispyForm, forms.ModelForm):
    """One symptom entry; the instance's ``kind`` decides which details are asked."""

    class Meta:
        model = SymptomEntry
        fields = [
            "infant",
            "occurred_at",
            "ended_at",
            "duration_minutes",
            "size",
            "is_vomiting",
            "severity",
            "stool_consistency",
            "stool_colour",
            "straining_minutes",
            "notes",
        ]
        widgets = {
            "occurred_at": DATETIME_INPUT,
            "ended_at": DATETIME_INPUT,
            "severity": forms.Select(choices=PAIN_LEVELS),
            "size": forms.RadioSelect,
            "stool_consistency": forms.RadioSelect,
            "notes": NOTES_INPUT,
        }
        labels = {"infant": "Baby", "occurred_at": "When", "ended_at": "Stopped at", "stool_colour": "Colour"}
        error_messages = {"infant": {"invalid_choice": MSG_OWN_INFANT}}

    def __init__(self, *args, mother, **kwargs):
        super().__init__(*args, **kwargs)
        entry = self.instance
        wanted = {"infant", "occurred_at", "notes", *SYMPTOM_DETAILS[entry.kind]}
        if entry.pk is not None:
            wanted.discard("infant")
        for name in [name for name in self.fields if name not in wanted]:
            del self.fields[name]
        if "infant" in self.fields:
            _limit_to_her_infants(self, mother)
        if entry.kind == SymptomEntry.Kind.CRYING:
            self.fields["occurred_at"].label = "Started at"
            self.fields["duration_minutes"].help_text = "Or leave empty and give the time it stopped."
        for name in ("occurred_at", "ended_at"):
            if name in self.fields:
                self.fields[name].input_formats = DATETIME_FORMATS
        self._was_running = entry.pk is not None and entry.is_running
        self.helper = self._helper()

    def clean(self):
        data = super().clean()
        if self.instance.kind == SymptomEntry.Kind.CRYING:
            start, end, minutes = data.get("occurred_at"), data.get("ended_at"), data.get("duration_minutes")
            # A timed spell's minutes follow its times unless she typed the minutes herself.
            if (
                start
                and end
                and end > start
                and (minutes is None or "duration_minutes" not in self.changed_data)
            ):
                data["duration_minutes"] = round((end - start).total_seconds() / 60)
            elif end is None and minutes is None and not self._was_running and "occurred_at" in data:
                self.add_error("duration_minutes", MSG_CRYING_HOW_LONG)
        return data


class DailyCheckEditForm(CrispyForm, forms.ModelForm):
    class Meta:
        model = DailyCheck
        fields = ["no_symptoms", "other_than_breast_milk", "notes"]
        widgets = {"notes": NOTES_INPUT}
        labels = {
            "no_symptoms": "No symptoms that day",
            "other_than_breast_milk": "Anything other than breast milk?",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_than_breast_milk"].widget.choices = [
            ("unknown", "Not sure"),
            ("false", "No, breast milk only"),
            ("true", "Yes (formula, water, food)"),
        ]
        self.helper = self._helper()
