"""People: mothers and clinicians, who log in with their email address."""

import uuid
import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models

from tracker.models.validators import validate_single_line


@cache
def time_zone_names() -> tuple[str, ...]:
    """IANA zone names this machine knows, sorted, for validation and choices."""
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Pick one from the list, for example Europe/Rome.",
            params={"value": value},
        )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


def new_records_stamp() -> str:
    return uuid.uuid4().hex


class User(AbstractUser):
    class Role(models.TextChoices):
        MOTHER = "mother", "Mother"
        CLINICIAN = "clinician", "Clinician"

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=80, blank=True, validators=[validate_single_line])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MOTHER)
    #: The language she chose with the switcher; "" until then (the browser's is used). Her
    #: pages and the emails sent to her are in it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, blank=True)
    #: Changes whenever a record of one of her past days changes (see tracker.closed_days).
    records_stamp = models.CharField(max_length=32, default=new_records_stamp, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.display_name or self.email

    def save(self, *args, **kwargs) -> None:
        """Saving an account she loaded earlier (her profile, a login's last_login) never writes
        back the records stamp it was loaded with: that would bring back the stamp of cached
        totals a record written since has made stale. Only ``tracker.closed_days`` changes it."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "records_stamp"
            ]
        super().save(*args, **kwargs)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_mother(self) -> bool:
        return self.role == self.Role.MOTHER

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def get_full_name(self) -> str:
        return self.display_name or self.email
