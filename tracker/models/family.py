"""Pregnancy and the babies born of it."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tracker.localtime import local_date
from tracker.models.scoping import MotherScopedQuerySet
from tracker.models.validators import check_not_future

TERM = timedelta(weeks=40)


class Pregnancy(models.Model):
    mother = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pregnancies")
    due_date = models.DateField(help_text="The expected due date (40 weeks).")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MotherScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-due_date"]
        verbose_name_plural = "pregnancies"

    def __str__(self) -> str:
        return f"Due {self.due_date:%d %b %Y}"

    def birth_date(self) -> date | None:
        """The mother's local date of the first birth of this pregnancy, if any."""
        first = self.infants.order_by("birth_at").first()
        return local_date(first.birth_at, self.mother.zone) if first else None


class Infant(models.Model):
    class DeliveryMode(models.TextChoices):
        VAGINAL = "vaginal", "Vaginal"
        CAESAREAN = "caesarean", "Caesarean"

    mother = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="infants")
    pregnancy = models.ForeignKey(
        Pregnancy, on_delete=models.SET_NULL, null=True, blank=True, related_name="infants"
    )
    name = models.CharField(max_length=60)
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

    objects = MotherScopedQuerySet.as_manager()

    class Meta:
        ordering = ["birth_at", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_not_future(self.birth_at, "birth_at")

    @property
    def gestational_age(self) -> str:
        return f"{self.gestational_weeks}+{self.gestational_days}"

    def due_date_from_gestation(self) -> date:
        """The due date implied by the birth date and gestational age at birth."""
        born = local_date(self.birth_at, self.mother.zone)
        age = timedelta(weeks=self.gestational_weeks, days=self.gestational_days)
        return born + (TERM - age)


def validate_infant_belongs(infant: Infant, mother) -> None:
    if infant.mother_id != mother.pk:
        raise ValidationError({"infant": "Choose one of your own babies."})
