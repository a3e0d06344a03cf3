"""Fields shared by the forms: dates and times in her own zone, and the daily check's answers.

The date and time fields refuse a year outside 2000-2100 before the value meets a
time zone: a typo like 0001 or 9999 would otherwise overflow when it is turned into
UTC or into a day's bounds, and no record in this app can be that far off.
"""

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import from_current_timezone
from django.utils.dateparse import parse_datetime

from tracker.models import DailyCheck, Infant

MIN_YEAR, MAX_YEAR = 2000, 2100
MSG_YEAR = f"Check the year: dates from {MIN_YEAR} to {MAX_YEAR} only."
DATE_FORMATS = ["%Y-%m-%d"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def _check_year(value: date | None) -> None:
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(MSG_YEAR, code="year")


class LocalDateField(forms.DateField):
    """A calendar day (the browser's date picker), years 2000-2100."""

    widget = forms.DateInput(
        attrs={"type": "date", "min": f"{MIN_YEAR}-01-01", "max": f"{MAX_YEAR}-12-31"}, format="%Y-%m-%d"
    )
    input_formats = DATE_FORMATS

    def to_python(self, value) -> date | None:
        day = super().to_python(value)
        _check_year(day)
        return day


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time in the active (her) zone, made aware only after the year is checked."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local", "min": f"{MIN_YEAR}-01-01T00:00", "max": f"{MAX_YEAR}-12-31T23:59"},
        format="%Y-%m-%dT%H:%M",
    )
    input_formats = DATETIME_FORMATS

    def to_python(self, value) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            moment = datetime(value.year, value.month, value.day)
        else:
            try:
                moment = parse_datetime(value.strip())
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            if moment is None:
                # Formats parse_datetime doesn't know: try ours, still naive.
                moment = forms.fields.BaseTemporalField.to_python(self, value)
        _check_year(moment)
        return from_current_timezone(moment)


class TimeOfDayField(forms.TimeField):
    """A wall-clock time (``23:00``) whose error quotes what was typed."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                "“%(value)s” is not a time of day. Give hours and minutes, like 23:00.",
                code="invalid",
                params={"value": value},
            ) from None


class StoredPrecisionMixin:
    """For a ModelForm: a time shown to the minute and posted back as it was keeps the
    seconds it was stored with.

    The timers store seconds, while the form shows and takes minutes: without this, a feed
    started and stopped within one minute would come back from its edit page as starting
    and ending at the same minute, and be refused ("the end time must be after the start
    time") although she changed nothing. A time she changes is saved as she typed it.
    """

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, LocalDateTimeField):
                continue
            typed, stored = data.get(name), getattr(self.instance, name, None)
            if (
                isinstance(typed, datetime)
                and stored is not None
                and typed == stored.replace(second=0, microsecond=0)
            ):
                data[name] = stored
        return data


def _posted(answer: bool | None) -> str:
    """How a yes / no / not sure answer travels in a form: "true", "false" or ""."""
    return "" if answer is None else str(answer).lower()


class AnswerSelect(forms.Select):
    """Shows a stored True, False or None as the option it is posted with."""

    def format_value(self, value):
        return super().format_value(_posted(value) if value is None or isinstance(value, bool) else value)


class OtherThanBreastMilkField(forms.TypedChoiceField):
    """ "Anything other than breast milk?": True, False, or None for "not sure", offered as
    ``DailyCheck.OTHER_THAN_BREAST_MILK_ANSWERS``."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[(_posted(answer), label) for answer, label in DailyCheck.OTHER_THAN_BREAST_MILK_ANSWERS],
            coerce=lambda value: value == "true",
            empty_value=None,
            required=False,
            widget=AnswerSelect,
            **kwargs,
        )


class HerInfantField(forms.ModelChoiceField):
    """One of her babies, from a list read once (``limit_to``): the baby chosen on a POST is
    found in it, not fetched again. Use it with ``HerInfantChecked``."""

    infants: list[Infant] = []

    def limit_to(self, mother, initial: dict) -> list[Infant]:
        """Offer only ``mother``'s babies and return them (one query); with one baby, choose it
        for her in the form's ``initial``."""
        self.queryset = Infant.objects.for_mother(mother)
        self.infants = list(self.queryset)
        for infant in self.infants:
            infant.mother = mother  # her zone, for the checks and messages, without a query
        if len(self.infants) == 1:
            self.empty_label = None
            initial["infant"] = initial.get("infant") or self.infants[0].pk
        return self.infants

    def to_python(self, value) -> Infant | None:
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        try:
            pk = Infant._meta.pk.to_python(value)
        except ValidationError:
            pk = None
        chosen = next((infant for infant in self.infants if infant.pk == pk), None)
        if chosen is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return chosen


class HerInfantChecked:
    """For a ModelForm with a ``HerInfantField``: the baby was chosen from her own, so the
    model's validation does not query again whether it exists. Only forms that add a record
    show the field, and a record added there is never a running timer, so the constraints
    about a baby's running feed or crying spell (left to the database here) cannot apply."""

    def _get_validation_exclusions(self) -> set[str]:
        exclude = super()._get_validation_exclusions()
        if isinstance(self.fields.get("infant"), HerInfantField):
            exclude.add("infant")
        return exclude
