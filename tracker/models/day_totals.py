"""A month of her settled per-day totals, kept in the database (``tracker.day_totals``)."""

from django.conf import settings
from django.db import models

from tracker.models.scoping import MotherScopedQuerySet


class DayTotalsMonthQuerySet(MotherScopedQuerySet):
    owner_lookup = "mother"


class DayTotalsMonth(models.Model):
    """The per-day totals of one kind (doses of a regimen, feeds or symptoms of a baby) on the
    settled days ``first_day``..``last_day`` of one month, as regrouped from her records.

    Derived data, never edited: a write of one of her records on a closed day deletes the rows
    of its months in the same transaction, and a row is stored only while her records stamp is
    the one it was regrouped under (``tracker.day_totals``)."""

    mother = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    object_id = models.PositiveBigIntegerField()  # the regimen or the baby
    zone = models.CharField(max_length=64, blank=True)  # her zone when the days were cut; "" for doses
    month = models.DateField()  # its first day
    first_day = models.DateField()
    last_day = models.DateField()
    #: The totals of each day from ``first_day`` to ``last_day``, in order; null for a day with none.
    days = models.JSONField()

    objects = DayTotalsMonthQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mother", "kind", "object_id", "zone", "month"], name="day_totals_month_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.object_id}, {self.month:%Y-%m}"
