"""Onboarding and set-up: due date, babies, the supplement and its regimen."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from tracker.forms.fields import LocalDateField, LocalDateTimeField, StoredPrecisionMixin
from tracker.models import Infant, Regimen, SupplementProduct
from tracker.models.regimens import parse_dose_time
from tracker.models.validators import validate_single_line


class CrispyForm:
    submit_label = "Save"

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.add_input(Submit("submit", self.submit_label, css_class="btn-primary btn-tap w-100"))
        return helper


class DueDateForm(CrispyForm, forms.Form):
    submit_label = "Continue"
    due_date = LocalDateField(
        label="Your due date",
        help_text="The date your baby is (or was) due. Already born? Use the due date you were given.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()


class InfantForm(StoredPrecisionMixin, CrispyForm, forms.ModelForm):
    birth_at = LocalDateTimeField(label="Born at", help_text="Date and time of birth, in your time zone.")

    class Meta:
        model = Infant
        fields = [
            "name",
            "birth_at",
            "gestational_weeks",
            "gestational_days",
            "delivery_mode",
            "birth_weight_g",
        ]
        # One wording for every way out of the range, whether the form or the model notices.
        error_messages = {
            "gestational_weeks": dict.fromkeys(
                ["min_value", "max_value", "invalid"], "Gestational age at birth is 22 to 44 weeks."
            ),
            "gestational_days": dict.fromkeys(
                ["min_value", "max_value", "invalid"], "The days after the weeks are 0 to 6."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gestational_weeks"].widget.attrs.update(min=22, max=44)
        self.fields["gestational_days"].widget.attrs.update(min=0, max=6)
        self.helper = self._helper()


class DoseTimesField(forms.CharField):
    """ "08:00, 20:00" ⇄ ["08:00", "20:00"]."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not parts:
            raise ValidationError("Give at least one dose time, like 08:00.")
        return [parse_dose_time(part).strftime("%H:%M") for part in parts]


class RegimenForm(CrispyForm, forms.ModelForm):
    """A regimen together with the product it is for."""

    class Media:
        js = ["tracker/regimen_form.js"]  # hides the dates the trial preset ignores

    product_name = forms.CharField(label="Product name", max_length=120, validators=[validate_single_line])
    brand = forms.CharField(max_length=120, required=False, validators=[validate_single_line])
    strains = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One strain per line (optional)."
    )
    cfu_per_dose = forms.IntegerField(
        label="CFU per dose", required=False, min_value=1, help_text="Optional, e.g. 4500000000."
    )
    form = forms.ChoiceField(choices=SupplementProduct.Form.choices, initial=SupplementProduct.Form.CAPSULE)
    dose_times = DoseTimesField(
        label="Dose times", initial="08:00", help_text="Your local times, separated by commas: 08:00, 20:00."
    )

    class Meta:
        model = Regimen
        fields = ["preset", "doses_per_day", "dose_times", "start_date", "end_date"]
        widgets = {"preset": forms.RadioSelect}
        field_classes = {"start_date": LocalDateField, "end_date": LocalDateField}
        help_texts = {
            "start_date": "Only with “My own dates”. The trial preset sets the dates from your due date "
            "and your baby's birth, and ignores these.",
            "end_date": "Only with “My own dates”. Empty: no end date.",
        }

    def __init__(self, *args, mother, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.mother = mother
        if self.instance.pregnancy_id is None:
            self.instance.pregnancy = mother.pregnancies.first()
        self.fields["start_date"].required = False
        if not self.instance.pk:
            self.initial.update({"doses_per_day": 1, "dose_times": "08:00"})
        product = self.instance.product if self.instance.pk else None
        if product is not None:
            for name in ["brand", "strains", "cfu_per_dose", "form"]:
                self.initial.setdefault(name, getattr(product, name))
            self.initial.setdefault("product_name", product.name)
        self.order_fields(["product_name", "brand", "strains", "cfu_per_dose", "form"])
        self.helper = self._helper()

    def clean(self):
        data = super().clean()
        if data.get("preset") == Regimen.Preset.TRIAL:
            self.instance.preset = Regimen.Preset.TRIAL
            window = self.instance.trial_window()
            if window is None:
                self.add_error(
                    "preset", "The trial preset needs your due date: add it first, or choose your own dates."
                )
            else:
                data["start_date"], data["end_date"] = window
        elif data.get("preset") == Regimen.Preset.CUSTOM and not data.get("start_date"):
            self.add_error("start_date", "With your own dates, say the first day.")
        return data

    def product(self) -> SupplementProduct:
        product = self.instance.product if self.instance.pk else SupplementProduct()
        product.name = self.cleaned_data["product_name"]
        for name in ["brand", "strains", "cfu_per_dose", "form"]:
            setattr(product, name, self.cleaned_data[name])
        return product
