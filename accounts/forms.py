"""Forms for signing up, logging in and editing a profile."""

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User, time_zone_names
from tracker.models.validators import validate_single_line

#: The longest address an account can have (the model's field, as Django's EmailField sets it).
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length

TIME_ZONE_HELP = _("Reminders and “today” follow this time zone. Change it here if you travel.")


#: Legacy aliases kept by the tz database for old systems; nobody picks these.
LEGACY_ZONE_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


def time_zone_choices() -> list[tuple[str, str]]:
    """Area/City zones and UTC for the select (any valid IANA name is still accepted)."""
    return [
        (name, name.replace("_", " "))
        for name in time_zone_names()
        if name == "UTC" or ("/" in name and not name.startswith(LEGACY_ZONE_PREFIXES))
    ]


def time_zone_field(*, fill_from_browser: bool = False) -> forms.ChoiceField:
    # The JS in accounts/time_zone.js reads this attribute; on sign-up it picks the phone's zone.
    mode = "fill" if fill_from_browser else "offer"
    return forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        initial="UTC",
        help_text=TIME_ZONE_HELP,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a time zone we know. Pick one from the list, for example Europe/Rome."
            )
        },
        widget=forms.Select(attrs={"data-browser-time-zone": mode, "autocomplete": "off"}),
    )


class SignupForm(forms.Form):
    """The first step: who she is. Her password is chosen from the link we email her.

    Whether the address already has an account is never checked here: the answer would tell
    anyone who uses the app (accounts.signup emails the owner instead)."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none"}),
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=User._meta.get_field("display_name").max_length,
        help_text=_("What the app calls you. A first name is fine."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    role = forms.ChoiceField(
        label=_("I am"),
        choices=[
            (User.Role.MOTHER, _("A mother (or expecting)")),
            (User.Role.CLINICIAN, _("A clinician, lactation consultant or researcher")),
        ],
        initial=User.Role.MOTHER,
        widget=forms.RadioSelect,
    )
    time_zone = time_zone_field(fill_from_browser=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Bound again after an error: keep what she chose rather than re-reading the phone.
        if self.is_bound:
            self.fields["time_zone"].widget.attrs["data-browser-time-zone"] = "offer"

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class SignupFinishForm(SetPasswordMixin, forms.Form):
    """The second step, from the link in her email: she chooses her password."""

    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password again")
    )

    def __init__(self, user: User, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password2"].help_text = _("Type the same password once more, to catch typos.")

    def clean(self):
        self.validate_passwords()
        # Against the new account's email and name too ("too similar to the email address").
        self.validate_password_for_user(self.user)
        return super().clean()

    def save(self) -> User:
        """The account with its password set, not saved: accounts.signup.signup_finish saves it."""
        return self.set_password_and_save(self.user, commit=False)


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email and password don’t match. Check both and try again, or reset your password."
        ),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("Email")
        field.widget.input_type = "email"
        field.widget.attrs.update({"autocomplete": "email", "autocapitalize": "none"})

    def clean_username(self) -> str:
        # Lower-cased so that "Anna@…" and "anna@…" count as the same person for the lockout too.
        email = self.cleaned_data["username"].strip().lower()
        # Django sets this field's max_length after building it, so nothing enforces it; refused
        # here, before authenticate() hands it to the lockout's 255-character column.
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(
                _("That is not an email address we could have: emails are at most %(max)d characters."),
                code="max_length",
                params={"max": EMAIL_MAX_LENGTH},
            )
        return email


class ProfileForm(forms.ModelForm):
    time_zone = time_zone_field()

    class Meta:
        model = User
        fields = ("display_name", "time_zone")
        labels = {"display_name": "Display name"}
        help_texts = {"display_name": "What the app calls you."}
        widgets = {"display_name": forms.TextInput(attrs={"autocomplete": "given-name"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True


class AccountDeleteForm(forms.Form):
    """She confirms twice: by typing her email (or DELETE), and with her current password.

    The password goes through ``authenticate`` so that wrong guesses count towards the same
    lockout as the login page: a borrowed, logged-in phone cannot try passwords for ever."""

    CONFIRM_WORD = "DELETE"

    confirmation = forms.CharField(
        label="Type your email address, or the word DELETE",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, request, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_confirmation(self) -> str:
        typed = self.cleaned_data["confirmation"].strip()
        if typed.lower() not in {self.user.email.lower(), self.CONFIRM_WORD.lower()}:
            raise ValidationError(
                "That is neither your email address nor the word DELETE. Nothing was deleted.",
                code="not_confirmed",
            )
        return typed

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = authenticate(self.request, username=self.user.email, password=password)
        if user is None or user.pk != self.user.pk:
            raise ValidationError(
                "That is not your current password. Nothing was deleted.", code="wrong_password"
            )
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=60,
        label="Token name",
        help_text="What it is for, like “iPhone shortcut”.",
        validators=[validate_single_line],
    )
