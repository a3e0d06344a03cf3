"""The mother's invitation to a clinician."""

from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError

from tracker.forms.fields import LocalDateField
from tracker.forms.setup import CrispyForm
from tracker.localtime import local_day_bounds, local_today
from tracker.models import CareGrant

#: A last day further off is a year typed wrong; to share longer, she leaves it empty.
LONGEST_SHARING = timedelta(days=2 * 366)


class InviteForm(CrispyForm, forms.Form):
    submit_label = "Send the invitation"
    email = forms.EmailField(
        label="Their email address",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="We email them a link. It works for 14 days.",
    )
    scope = forms.ChoiceField(
        label="What they may see",
        choices=CareGrant.Scope.choices,
        initial=CareGrant.Scope.SUMMARY,
        widget=forms.RadioSelect,
    )
    last_day = LocalDateField(
        label="Access ends after (optional)",
        required=False,
        help_text="Leave empty to share until you stop it. You can stop sharing at any time.",
    )

    def __init__(self, *args, mother, **kwargs):
        super().__init__(*args, **kwargs)
        self.mother = mother
        self.helper = self._helper()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email == self.mother.email.lower():
            raise ValidationError("That is your own address. Enter your clinician's email.")
        return email

    def clean_last_day(self):
        day = self.cleaned_data["last_day"]
        today = local_today(self.mother.zone)
        if day is not None and day < today:
            raise ValidationError("That day has passed. Pick today or a later day, or leave it empty.")
        if day is not None and day > today + LONGEST_SHARING:
            raise ValidationError(
                "Pick a last day within the next 2 years (check the year), or leave it empty to share "
                "until you stop."
            )
        return day

    @property
    def expires_at(self) -> datetime | None:
        """UTC end of her chosen local last day (exclusive), or None for no expiry."""
        day = self.cleaned_data.get("last_day")
        return local_day_bounds(day, self.mother.zone)[1] if day else None
