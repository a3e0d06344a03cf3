"""Pregnancy and the babies born of it."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tracker.localtime import local_date, local_today
from tracker.models.scoping import RecordsQuerySet
from tracker.models.validators import check_not_future, validate_single_line

TERM = timedelta(weeks=40)
#: Gestational ages this app accepts at birth: 22+0 to 44+6 weeks.
EARLIEST_BIRTH = timedelta(weeks=22)
LATEST_BIRTH = timedelta(weeks=44, days=6)
#: Babies are followed for their first years; an older birth date is a typo.
OLDEST_BIRTH = timedelta(days=3 * 366)


class Pregnancy(models.Model):
    mother = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pregnancies")
    due_date = models.DateField(help_text="The expected due date (40 weeks).")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RecordsQuerySet.as_manager()

    class Meta:
        ordering = ["-due_date"]
        verbose_name_plural = "pregnancies"

    def __str__(self) -> str:
        return f"Due {self.due_date:%d %b %Y}"

    def clean(self) -> None:
        if self.due_date is None or self.mother_id is None:
            return
        today = local_today(self.mother.zone)
        if not today - OLDEST_BIRTH <= self.due_date <= today + LATEST_BIRTH:
            raise ValidationError(
                {
                    "due_date": "A due date is at most 45 weeks from today, and at most 3 years ago. "
                    "Check the year."
                }
            )

    def birth_date(self) -> date | None:
        """The mother's local date of the first birth of this pregnancy, if any."""
        return first_birth_date(pregnancy_id=self.pk, zone=self.mother.zone)


class Infant(models.Model):
    class DeliveryMode(models.TextChoices):
        VAGINAL = "vaginal", "Vaginal"
        CAESAREAN = "caesarean", "Caesarean"

    mother = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="infants")
    pregnancy = models.ForeignKey(
        Pregnancy, on_delete=models.SET_NULL, null=True, blank=True, related_name="infants"
    )
    name = models.CharField(max_length=60, validators=[validate_single_line])
    birth_at = models.DateTimeField("born at")
    gestational_weeks = models.PositiveSmallIntegerField(
        "gestational age at birth (weeks)",
        validators=[MinValueValidator(22), MaxValueValidator(44)],
    )
    gestational_days = models.PositiveSmallIntegerField(
        "and days", default=0, validators=[MaxValueValidator(6)]
    )
    delivery_mode = models.CharField(max_length=16, choices=DeliveryMode.choices)
    birth_weight_g = models.PositiveIntegerField(
        "birth weight (g)",
        null=True,
        blank=True,
        validators=[MinValueValidator(300), MaxValueValidator(7000)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RecordsQuerySet.as_manager()

    class Meta:
        ordering = ["birth_at", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_not_future(self.birth_at, "birth_at")
        if self.birth_at is None or self.mother_id is None:
            return
        born = local_date(self.birth_at, self.mother.zone)
        if born < local_today(self.mother.zone) - OLDEST_BIRTH:
            raise ValidationError({"birth_at": "That birth date is more than 3 years ago. Check the year."})
        if self.pregnancy is not None:
            age = TERM - (self.pregnancy.due_date - born)
            if not EARLIEST_BIRTH <= age <= LATEST_BIRTH:
                raise ValidationError(
                    {
                        "birth_at": f"A birth on {born:%d %b %Y} doesn't fit your due date "
                        f"({self.pregnancy.due_date:%d %b %Y}): it would be {age.days // 7} weeks of pregnancy. "
                        "Check the year, or correct your due date first."
                    }
                )

    @property
    def gestational_age(self) -> str:
        return f"{self.gestational_weeks}+{self.gestational_days}"

    def due_date_from_gestation(self) -> date:
        """The due date implied by the birth date and gestational age at birth."""
        born = local_date(self.birth_at, self.mother.zone)
        age = timedelta(weeks=self.gestational_weeks, days=self.gestational_days)
        return born + (TERM - age)


def first_birth_date(*, pregnancy_id: int, zone) -> date | None:
    """The local date, in ``zone``, of the first birth of a pregnancy; one query."""
    born = (
        Infant.objects.filter(pregnancy_id=pregnancy_id)
        .order_by("birth_at")
        .values_list("birth_at", flat=True)
        .first()
    )
    return local_date(born, zone) if born else None
