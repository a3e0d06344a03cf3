"""The supplement a mother takes, her regimen, and the doses she logs."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tracker.localtime import local_today, wall_clock_to_utc
from tracker.models.family import LATEST_BIRTH, OLDEST_BIRTH, Pregnancy
from tracker.models.scoping import MotherScopedQuerySet, RecordsQuerySet, RegimenRecordsQuerySet
from tracker.models.validators import check_not_future, validate_single_line

TRIAL_LEAD = timedelta(days=28)  # from 36 weeks of gestation: due date - 28 days
TRIAL_TAIL = timedelta(days=28)  # to 4 weeks after birth
#: How far from its slot a dose may be taken and still answer it.
TAKEN_EARLY_LIMIT = timedelta(hours=12)
TAKEN_LATE_LIMIT = timedelta(hours=24)
#: Babies are followed for their first years; a longer regimen is a typo in a year.
LONGEST_REGIMEN = timedelta(days=3 * 366)


def parse_dose_time(value: str) -> time:
    """ "08:00", "8:00" or "20:30" as a time; anything else is a ValidationError."""
    hours, sep, minutes = value.strip().partition(":")
    if sep and hours.isdigit() and len(hours) == 1:
        value = f"0{hours}:{minutes}"
    try:
        return time.fromisoformat(value.strip())
    except ValueError as error:
        raise ValidationError(f"“{value}” is not a time like 08:00.") from error


def covers(start_date: date, end_date: date | None, day: date) -> bool:
    """Whether the local ``day`` is inside a regimen window from ``start_date`` to ``end_date``
    (none: open-ended), ends inclusive. ``Regimen.covers``, for callers that hold no instance."""
    return start_date <= day and (end_date is None or day <= end_date)


class SupplementProduct(models.Model):
    class Form(models.TextChoices):
        CAPSULE = "capsule", "Capsule"
        SACHET = "sachet", "Sachet / powder"
        DROPS = "drops", "Drops"
        TABLET = "tablet", "Tablet"
        OTHER = "other", "Other"

    mother = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=120, validators=[validate_single_line])
    brand = models.CharField(max_length=120, blank=True, validators=[validate_single_line])
    strains = models.TextField(blank=True, help_text="One strain per line.")
    cfu_per_dose = models.PositiveBigIntegerField(
        "CFU per dose",
        null=True,
        blank=True,
        help_text="Colony-forming units, e.g. 4500000000.",
        validators=[MinValueValidator(1), MaxValueValidator(10**13)],
        error_messages={
            "min_value": "CFU per dose must be a positive number, like 4500000000.",
            "max_value": "That is more CFU than any supplement has: at most 10,000,000,000,000.",
        },
    )
    form = models.CharField(max_length=16, choices=Form.choices, default=Form.CAPSULE)

    objects = MotherScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.brand})" if self.brand else self.name

    @property
    def strain_list(self) -> list[str]:
        return [line.strip() for line in self.strains.splitlines() if line.strip()]


class Regimen(models.Model):
    class Preset(models.TextChoices):
        TRIAL = "trial", "Trial: due date − 28 days to 28 days after birth"
        CUSTOM = "custom", "My own dates"

    mother = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regimens")
    product = models.ForeignKey(SupplementProduct, on_delete=models.PROTECT, related_name="regimens")
    preset = models.CharField(max_length=16, choices=Preset.choices, default=Preset.TRIAL)
    pregnancy = models.ForeignKey(
        Pregnancy, on_delete=models.SET_NULL, null=True, blank=True, related_name="regimens"
    )
    doses_per_day = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(6)])
    #: Local wall-clock times as "HH:MM" strings, sorted; one per daily dose.
    dose_times = models.JSONField(default=list)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Empty: no end date.")
    reminders_enabled = models.BooleanField("email reminders for this regimen", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RecordsQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"{self.product} × {self.doses_per_day}/day from {self.start_date:%d %b %Y}"

    @property
    def slot_times(self) -> list[time]:
        return [parse_dose_time(value) for value in self.dose_times]

    def schedule(self) -> "DoseSchedule":
        """Its dose times day by day, with every change (one query)."""
        return DoseSchedule.of(self, self.schedule_changes.values_list("effective_from", "previous_times"))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            times = sorted(parse_dose_time(value) for value in self.dose_times or [])
        except ValidationError as error:
            raise ValidationError({"dose_times": error.messages}) from error
        if len(set(times)) != len(times):
            errors["dose_times"] = "Each dose time can appear only once."
        elif times and self.doses_per_day and len(times) != self.doses_per_day:
            errors["dose_times"] = (
                f"You said {self.doses_per_day} dose(s) a day: give exactly that many times."
            )
        self.dose_times = [t.strftime("%H:%M") for t in times]
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The last day must be on or after the first day."
        if self.preset == self.Preset.CUSTOM and self.mother_id is not None:
            errors.update(self._implausible_dates())
        if self.preset == self.Preset.TRIAL and self.pregnancy_id is None:
            errors["preset"] = "The trial preset needs your due date first."
        if errors:
            raise ValidationError(errors)

    def _implausible_dates(self) -> dict[str, str]:
        """Her own dates within the limits the due-date and birth forms have: a year typed
        wrong (2090 for 2026) would otherwise make a regimen that never starts or never ends.
        The trial preset's dates come from the due date and the birth, already checked."""
        today = local_today(self.mother.zone)
        errors = {}
        if self.start_date and not today - OLDEST_BIRTH <= self.start_date <= today + LATEST_BIRTH:
            errors["start_date"] = (
                "A regimen starts at most 45 weeks from today, and at most 3 years ago. Check the year."
            )
        elif self.start_date and self.end_date and self.end_date > self.start_date + LONGEST_REGIMEN:
            errors["end_date"] = "A regimen lasts at most 3 years. Check the year of the last day."
        return errors

    @staticmethod
    def doses_counted(taken: int, doses_per_day: int) -> int:
        """How many of the ``taken`` doses logged on one local day the day counts: at most
        ``doses_per_day``, the number that day schedules (``DoseSchedule.doses_on``). Logs for
        slot times since removed from the schedule still count toward their day, but a day
        never holds more doses than it schedules."""
        return min(taken, doses_per_day)

    def covers(self, day: date) -> bool:
        """Whether ``day`` (a local date) is inside the window, ends inclusive."""
        return covers(self.start_date, self.end_date, day)

    def slot_at(self, day: date, at: time) -> datetime:
        """The UTC instant of the slot ``at`` on local ``day`` in the mother's zone now."""
        return wall_clock_to_utc(day, at, self.mother.zone)

    def trial_window(self) -> tuple[date, date] | None:
        """The trial preset's dates: due date − 28 days to birth (or due date) + 28 days."""
        if self.pregnancy is None:
            return None
        born = self.pregnancy.birth_date()
        return (
            self.pregnancy.due_date - TRIAL_LEAD,
            (born or self.pregnancy.due_date) + TRIAL_TAIL,
        )


class ScheduleChange(models.Model):
    """A change of a regimen's dose times, so that the days before it keep the times they had.

    From ``effective_from`` (her local day of the change) on, the regimen follows the times that
    replaced ``previous_times`` (the next change's ``previous_times``, or ``Regimen.dose_times``
    after the last change); before it, ``previous_times``. One per regimen and day: a second
    change on the same day keeps the first one's ``previous_times``."""

    regimen = models.ForeignKey(Regimen, on_delete=models.CASCADE, related_name="schedule_changes")
    effective_from = models.DateField(help_text="The first local day on the new times.")
    #: The local wall-clock times before the change, as "HH:MM" strings, sorted.
    previous_times = models.JSONField()
    changed_at = models.DateTimeField(auto_now_add=True)

    objects = RegimenRecordsQuerySet.as_manager()

    class Meta:
        ordering = ["regimen", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["regimen", "effective_from"], name="one_schedule_change_per_day")
        ]

    def __str__(self) -> str:
        return f"until {self.last_day:%d %b %Y}: {', '.join(self.previous_times)}"

    @property
    def last_day(self) -> date:
        """The last local day on ``previous_times``."""
        return self.effective_from - timedelta(days=1)


@dataclass(frozen=True)
class DoseSchedule:
    """A regimen's dose times day by day: ``changes`` are ``(effective_from, previous_times)``
    in day order (``ScheduleChange``), ``current`` the times from the last change on. Times are
    "HH:MM" local wall-clock strings. Frozen, so it can be part of a cache key."""

    current: tuple[str, ...]
    doses_per_day: int  # the regimen's count today, for ``current``
    changes: tuple[tuple[date, tuple[str, ...]], ...] = ()

    def times_on(self, day: date) -> tuple[str, ...]:
        """The dose times of local ``day``: those the first change after ``day`` replaced."""
        for effective_from, previous in self.changes:
            if day < effective_from:
                return previous
        return self.current

    def doses_on(self, day: date) -> int:
        """How many doses local ``day`` schedules."""
        for effective_from, previous in self.changes:
            if day < effective_from:
                return len(previous)
        return self.doses_per_day

    @classmethod
    def of(cls, regimen: "Regimen", changes) -> "DoseSchedule":
        """The schedule of ``regimen`` given its ``ScheduleChange`` rows as
        ``(effective_from, previous_times)`` pairs, in any order."""
        return cls(
            current=tuple(regimen.dose_times),
            doses_per_day=regimen.doses_per_day,
            changes=tuple(sorted((day, tuple(times)) for day, times in changes)),
        )


class DoseLog(models.Model):
    class Status(models.TextChoices):
        TAKEN = "taken", "Taken"
        SKIPPED = "skipped", "Skipped"

    class Source(models.TextChoices):
        WEB = "web", "Web"
        EMAIL = "email", "Email link"
        PUSH = "push", "Push notification"
        API = "api", "API"

    regimen = models.ForeignKey(Regimen, on_delete=models.CASCADE, related_name="doses")
    slot_date = models.DateField(help_text="The local day of the scheduled dose.")
    slot_time = models.TimeField(help_text="The local scheduled time it answers.")
    #: The slot as a UTC instant, fixed when logged, for "on time" sums in SQL.
    scheduled_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.TAKEN)
    skip_reason = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    taken_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.WEB)
    logged_at = models.DateTimeField(auto_now_add=True)

    objects = RegimenRecordsQuerySet.as_manager()

    class Meta:
        ordering = ["-slot_date", "-slot_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["regimen", "slot_date", "slot_time"], name="one_dose_log_per_slot"
            ),
            models.CheckConstraint(
                condition=models.Q(status="skipped", taken_at__isnull=True)
                | models.Q(status="taken", taken_at__isnull=False),
                name="taken_dose_has_time",
            ),
        ]
        indexes = [models.Index(fields=["regimen", "slot_date"])]

    def __str__(self) -> str:
        return f"{self.slot_date} {self.slot_time:%H:%M} {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self.scheduled_at is None:
            self.scheduled_at = self.regimen.slot_at(self.slot_date, self.slot_time)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.regimen_id is None or self.slot_date is None or self.slot_time is None:
            return
        regimen = self.regimen
        if not regimen.covers(self.slot_date):
            end = f"{regimen.end_date:%d %b %Y}" if regimen.end_date else "no end date"
            raise ValidationError(
                {"slot_date": f"That day is outside your regimen ({regimen.start_date:%d %b %Y} to {end})."}
            )
        slot = self.slot_time.replace(second=0, microsecond=0)
        times = regimen.schedule().times_on(self.slot_date)  # a day before a change keeps its times
        if slot not in [parse_dose_time(value) for value in times]:
            listed = ", ".join(times)
            raise ValidationError({"slot_time": f"{slot:%H:%M} is not one of your dose times ({listed})."})
        if self.status == self.Status.TAKEN and self.taken_at is None:
            raise ValidationError({"taken_at": "Say when you took it."})
        if self.status == self.Status.SKIPPED:
            self.taken_at = None
        check_not_future(self.taken_at, "taken_at")
        if self.taken_at is not None:
            slot_at = regimen.slot_at(self.slot_date, slot)
            if not slot_at - TAKEN_EARLY_LIMIT <= self.taken_at <= slot_at + TAKEN_LATE_LIMIT:
                raise ValidationError(
                    {
                        "taken_at": f"The time taken must be within 12 hours before and 24 hours after "
                        f"the dose time ({slot:%H:%M} on {self.slot_date:%d %b})."
                    }
                )
