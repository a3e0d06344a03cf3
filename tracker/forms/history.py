"""History: filtering the lists, and adding or correcting a record by hand.

Each ModelForm lets the model's ``clean()`` speak: its messages appear on the
form, on the field they name or, for a field the form doesn't show, above it.
Times are typed in the mother's own zone (the middleware activates it).
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.formats import time_format

from tracker.forms.fields import (
    HerInfantChecked,
    HerInfantField,
    LocalDateField,
    LocalDateTimeField,
    OtherThanBreastMilkField,
    StoredPrecisionMixin,
)
from tracker.forms.setup import CrispyForm
from tracker.models import DailyCheck, DoseLog, FeedingSession, Infant, Regimen, Side, SymptomEntry
from tracker.models.regimens import parse_dose_time
from tracker.models.symptoms import MAX_CRYING_MINUTES, MAX_STRAINING_MINUTES
from tracker.models.validators import MSG_BOTTLE_RANGE, validate_single_line

MAX_SIDE_MINUTES = 240
MSG_OWN_INFANT = "Choose one of your own babies."
MSG_CRYING_HOW_LONG = "Give the minutes, or the time the crying stopped."
NOTES_INPUT = forms.Textarea(attrs={"rows": 2})
PAIN_LEVELS = [("", "Choose"), *SymptomEntry.PAIN_SCALE]


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
    date_from = LocalDateField(required=False, label="From")
    date_to = LocalDateField(required=False, label="To")

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
                *[Column(name, css_class="col-12 col-sm") for name in self.fields],
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

    A message about a model field the form shows under another name goes on
    that field (``model_field_names``); one about a field the form doesn't
    show goes above the form, instead of Django refusing it; the same message
    twice (field validator and ``clean()`` both checking a range) is shown once.
    """

    #: model field -> the form field that edits it
    model_field_names: dict[str, str] = {}

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            grouped: dict[str, list[ValidationError]] = {}
            shown: dict[str, set[str]] = {}
            for name, errors in error.error_dict.items():
                key = self.model_field_names.get(name, name)
                key = key if key in self.fields else NON_FIELD_ERRORS
                if key not in shown:
                    shown[key] = set(self._errors.get(key, [])) if self._errors is not None else set()
                for item in errors:
                    text = " ".join(item.messages)
                    if text not in shown[key]:
                        shown[key].add(text)
                        grouped.setdefault(key, []).append(item)
            if not grouped:
                return
            error = ValidationError(grouped)
        super().add_error(field, error)


def _range_messages(message: str) -> dict[str, str]:
    """One plain message for every way a number can be out of range (form field or model)."""
    return {"invalid": message, "min_value": message, "max_value": message}


MSG_SIDE_MINUTES = f"Minutes on one breast must be between 0 and {MAX_SIDE_MINUTES}."
MSG_SWITCHES = "Give the number of side switches: 0 or more."
MSG_TAKEN_WHEN = "Say when you took it."


def _minutes_field(side: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=f"Minutes on the {side}",
        min_value=0,
        max_value=MAX_SIDE_MINUTES,
        required=False,
        error_messages=_range_messages(MSG_SIDE_MINUTES),
    )


class DoseForm(StoredPrecisionMixin, ModelMessagesMixin, CrispyForm, forms.ModelForm):
    class Meta:
        model = DoseLog
        fields = ["status", "taken_at", "skip_reason"]
        field_classes = {"taken_at": LocalDateTimeField}
        widgets = {"status": forms.RadioSelect}
        labels = {"taken_at": "Taken at", "skip_reason": "Why it was skipped (optional)"}
        help_texts = {"taken_at": "Your local time. Ignored for a skipped dose."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()


class DoseAddForm(ModelMessagesMixin, CrispyForm, forms.Form):
    """A dose logged afterwards: which regimen, which slot, taken (when) or skipped (why).

    The slot is offered from her regimens' dose times; the model says whether
    it is one of the chosen regimen's times and inside its window.
    """

    submit_label = "Log this dose"

    regimen = forms.ModelChoiceField(
        queryset=Regimen.objects.none(),
        label="Probiotic",
        error_messages={"invalid_choice": "Choose one of your own regimens."},
    )
    slot_date = LocalDateField(label="Day")
    slot_time = forms.ChoiceField(label="Dose", widget=forms.RadioSelect)
    status = forms.ChoiceField(
        label="Did you take it?",
        choices=[(DoseLog.Status.TAKEN, "Yes, I took it"), (DoseLog.Status.SKIPPED, "No, I skipped it")],
        initial=DoseLog.Status.TAKEN,
        widget=forms.RadioSelect,
    )
    taken_at = LocalDateTimeField(
        label="Taken at", required=False, help_text="Your local time. Needed when you took it."
    )
    skip_reason = forms.CharField(
        label="Why it was skipped (optional)",
        max_length=200,
        required=False,
        validators=[validate_single_line],
    )

    def __init__(self, *args, mother, today, **kwargs):
        super().__init__(*args, **kwargs)
        regimens = self.fields["regimen"]
        regimens.queryset = (
            Regimen.objects.for_mother(mother).select_related("product").prefetch_related("schedule_changes")
        )
        regimens.label_from_instance = lambda regimen: (
            f"{regimen.product.name}, from {regimen.start_date:%d %b %Y}"
        )
        hers = list(regimens.queryset)
        if len(hers) == 1:
            regimens.empty_label = None
            self.initial.setdefault("regimen", hers[0].pk)
        # Her times now and before each change, so a past day can be logged on the times it had.
        times = sorted(
            {at for regimen in hers for at in regimen.dose_times}
            | {
                at
                for regimen in hers
                for change in regimen.schedule_changes.all()
                for at in change.previous_times
            }
        )
        self.fields["slot_time"].choices = [(at, at) for at in times]
        # After a change of times the list mixes old and new ones: say which days had which.
        notes = []
        for regimen in hers:
            changes = list(regimen.schedule_changes.all())
            if not changes:
                continue
            eras = [
                f"until {c.last_day.day} {c.last_day:%b %Y}, {', '.join(c.previous_times)}" for c in changes
            ]
            eras.append(f"since then, {', '.join(regimen.dose_times)}")
            notes.append((f"{regimen.product.name}: " if len(hers) > 1 else "") + "; ".join(eras))
        if notes:
            self.fields["slot_time"].help_text = "Your dose times changed: " + ". ".join(notes) + "."
        if len(times) == 1:
            self.initial.setdefault("slot_time", times[0])
        self.initial.setdefault("slot_date", today)
        self.helper = self._helper()

    def clean_slot_time(self):
        return parse_dose_time(self.cleaned_data["slot_time"])

    def clean(self):
        data = super().clean()
        if data.get("status") == DoseLog.Status.TAKEN:
            data["skip_reason"] = ""
            if data.get("taken_at") is None and "taken_at" not in self.errors:
                self.add_error("taken_at", MSG_TAKEN_WHEN)
        else:
            data["taken_at"] = None
        return data


class FeedForm(HerInfantChecked, StoredPrecisionMixin, ModelMessagesMixin, CrispyForm, forms.ModelForm):
    """A feed typed in afterwards (with the baby) or corrected (the baby stays).

    For a feed whose timer still runs, the breast she is on has no minutes yet:
    setting the end time adds the time from that side's start to the end,
    unless she typed that side's minutes herself.
    """

    minutes_left = _minutes_field("left")
    minutes_right = _minutes_field("right")
    model_field_names = {"left_seconds": "minutes_left", "right_seconds": "minutes_right"}

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
        field_classes = {
            "infant": HerInfantField,
            "started_at": LocalDateTimeField,
            "ended_at": LocalDateTimeField,
        }
        widgets = {"notes": NOTES_INPUT}
        labels = {
            "infant": "Baby",
            "started_at": "Started",
            "ended_at": "Ended",
            "start_side": "Started on the",
            "switches": "Side switches",
        }
        help_texts = {"ended_at": "Your local time.", "start_side": "Leave it “Not noted” for a bottle feed."}
        error_messages = {
            "infant": {"invalid_choice": MSG_OWN_INFANT},
            "bottle_ml": _range_messages(MSG_BOTTLE_RANGE),
            "switches": _range_messages(MSG_SWITCHES),
        }

    def __init__(self, *args, mother, **kwargs):
        super().__init__(*args, **kwargs)
        feed = self.instance
        self.intro = ""
        self._running_side = ""
        if feed.pk is None:
            self.fields["infant"].limit_to(mother, self.initial)
            self.fields["ended_at"].required = True
        else:
            del self.fields["infant"]
            if feed.is_running:
                self.fields["ended_at"].help_text = "When did the feed really end? Your local time."
                if feed.current_side and feed.side_started_at:
                    self._running_side = feed.current_side
                    since = time_format(timezone.localtime(feed.side_started_at), "H:i")
                    self.intro = f"You were on the {feed.current_side} breast since {since}."
        self.fields["start_side"].choices = [("", "Not noted"), *Side.choices]  # a breast feed may lack it
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
        self._bank_running_side(data)
        return data

    def _bank_running_side(self, data: dict) -> None:
        """Add the running side's time, from when she moved to it to the end she gives."""
        side, end = self._running_side, data.get("ended_at")
        if not side or end is None or f"minutes_{side}" in self.changed_data:
            return
        self.instance.bank_current_side(until=end)


class SymptomForm(HerInfantChecked, StoredPrecisionMixin, ModelMessagesMixin, CrispyForm, forms.ModelForm):
    """One symptom entry; the instance's ``kind`` decides which details are asked."""

    class Meta:
        model = SymptomEntry
        fields = ["infant", *SymptomEntry.RECORDED_FIELDS]
        field_classes = {
            "infant": HerInfantField,
            "occurred_at": LocalDateTimeField,
            "ended_at": LocalDateTimeField,
        }
        widgets = {
            "severity": forms.Select(choices=PAIN_LEVELS),
            "size": forms.RadioSelect,
            "stool_consistency": forms.RadioSelect,
            "notes": NOTES_INPUT,
        }
        labels = {"infant": "Baby", "occurred_at": "When", "ended_at": "Stopped at", "stool_colour": "Colour"}
        error_messages = {
            "infant": {"invalid_choice": MSG_OWN_INFANT},
            "duration_minutes": _range_messages(
                f"Crying minutes must be between 0 and {MAX_CRYING_MINUTES} (24 hours)."
            ),
            "straining_minutes": _range_messages(
                f"Straining minutes must be between 0 and {MAX_STRAINING_MINUTES}."
            ),
        }

    def __init__(self, *args, mother, **kwargs):
        super().__init__(*args, **kwargs)
        entry = self.instance
        wanted = {"infant", "occurred_at", "notes", *SymptomEntry.DETAILS[entry.kind]}
        if entry.pk is not None:
            wanted.discard("infant")
        for name in [name for name in self.fields if name not in wanted]:
            del self.fields[name]
        if "infant" in self.fields:
            self.fields["infant"].limit_to(mother, self.initial)
        if entry.kind == SymptomEntry.Kind.CRYING:
            self.fields["occurred_at"].label = "Started at"
            self.fields["duration_minutes"].help_text = "Or leave empty and give the time it stopped."
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
                data["duration_minutes"] = SymptomEntry.timed_minutes(start, end)
            elif end is None and minutes is None and not self._was_running and "occurred_at" in data:
                self.add_error("duration_minutes", MSG_CRYING_HOW_LONG)
        return data


class DailyCheckEditForm(CrispyForm, forms.ModelForm):
    other_than_breast_milk = OtherThanBreastMilkField(
        label="Anything other than breast milk?",
        help_text=DailyCheck._meta.get_field("other_than_breast_milk").help_text,
    )

    class Meta:
        model = DailyCheck
        fields = ["no_symptoms", "other_than_breast_milk", "notes"]
        widgets = {"notes": NOTES_INPUT}
        labels = {"no_symptoms": "No symptoms that day"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()
