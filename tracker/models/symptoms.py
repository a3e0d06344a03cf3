"""The baby's symptoms (the trial's outcomes) and the daily check."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tracker.localtime import local_date, local_today
from tracker.models.family import Infant
from tracker.models.scoping import InfantRecordsQuerySet
from tracker.models.validators import check_end_after_start, check_not_before_birth, check_not_future

MAX_CRYING_MINUTES = 24 * 60
MAX_STRAINING_MINUTES = 120


#: A crying spell still being timed: started, no end and no minutes typed. One per baby at most.
RUNNING_CRYING = models.Q(kind="crying", ended_at__isnull=True, duration_minutes__isnull=True)
#: A crying spell with an end has its minutes, so a day's total is the sum of its spells' minutes.
ENDED_CRYING_HAS_MINUTES = ~models.Q(kind="crying", ended_at__isnull=False, duration_minutes__isnull=True)


class SymptomEntryQuerySet(InfantRecordsQuerySet):
    def running_crying(self) -> "SymptomEntryQuerySet":
        return self.filter(RUNNING_CRYING)


class SymptomEntry(models.Model):
    class Kind(models.TextChoices):
        REGURGITATION = "regurgitation", "Spit-up"
        CRYING = "crying", "Crying / fussing"
        ABDOMINAL_PAIN = "abdominal_pain", "Tummy pain / colic"
        STOOL = "stool", "Stool"

    class Size(models.TextChoices):
        SMALL = "small", "Small"
        MEDIUM = "medium", "Medium"
        LARGE = "large", "Large"

    class StoolColour(models.TextChoices):
        YELLOW = "yellow", "Yellow"
        GREEN = "green", "Green"
        BROWN = "brown", "Brown"
        BLACK = "black", "Black"
        RED = "red", "Red"
        WHITE = "white", "White / pale"

    BRUSSELS_SCALE = [
        (1, "1 · hard lumps"),
        (2, "2 · lumpy sausage"),
        (3, "3 · cracked sausage"),
        (4, "4 · smooth, formed"),
        (5, "5 · soft blobs"),
        (6, "6 · mushy"),
        (7, "7 · watery"),
    ]
    #: Tummy pain ``severity`` as the parent saw it, in the words both forms offer.
    PAIN_SCALE = [
        (0, "0 · none"),
        (1, "1 · mild"),
        (2, "2 · moderate"),
        (3, "3 · severe"),
    ]

    #: The details each kind of symptom records, besides when it happened and notes.
    DETAILS: dict[str, tuple[str, ...]] = {
        Kind.REGURGITATION: ("size", "is_vomiting"),
        Kind.CRYING: ("ended_at", "duration_minutes"),
        Kind.ABDOMINAL_PAIN: ("severity",),
        Kind.STOOL: ("stool_consistency", "stool_colour", "straining_minutes"),
    }
    #: Everything an entry records, in the order the edit form and the exports list it.
    RECORDED_FIELDS = (
        "occurred_at",
        "ended_at",
        "duration_minutes",
        "size",
        "is_vomiting",
        "severity",
        "stool_consistency",
        "stool_colour",
        "straining_minutes",
        "notes",
    )

    infant = models.ForeignKey(Infant, on_delete=models.CASCADE, related_name="symptoms")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    occurred_at = models.DateTimeField("when")
    #: Crying timed with start/stop: empty while it goes on.
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_CRYING_MINUTES)],
    )
    size = models.CharField(max_length=8, choices=Size.choices, blank=True)
    is_vomiting = models.BooleanField("it was vomiting (forceful)", default=False)
    severity = models.PositiveSmallIntegerField(
        "severity (0-3)", null=True, blank=True, validators=[MaxValueValidator(3)]
    )
    stool_consistency = models.PositiveSmallIntegerField(
        "consistency (Brussels scale)",
        null=True,
        blank=True,
        choices=BRUSSELS_SCALE,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    stool_colour = models.CharField(max_length=8, choices=StoolColour.choices, blank=True)
    straining_minutes = models.PositiveSmallIntegerField(
        "straining before it (minutes)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_STRAINING_MINUTES)],
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SymptomEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = "symptom entries"
        constraints = [
            models.UniqueConstraint(
                fields=["infant"],
                condition=RUNNING_CRYING,
                name="one_running_crying_per_infant",
                violation_error_message="Crying is already being timed for this baby.",
            ),
            models.CheckConstraint(
                condition=ENDED_CRYING_HAS_MINUTES,
                name="ended_crying_has_minutes",
                violation_error_message="A crying spell that has ended needs its minutes.",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__isnull=True) | models.Q(severity__lte=3),
                name="severity_0_to_3",
            ),
            models.CheckConstraint(
                condition=models.Q(stool_consistency__isnull=True)
                | models.Q(stool_consistency__gte=1, stool_consistency__lte=7),
                name="brussels_1_to_7",
            ),
        ]
        indexes = [models.Index(fields=["infant", "kind", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        """A timed spell that has ended keeps its minutes (the span rounded), like one typed in."""
        if self.kind == self.Kind.CRYING and self.ended_at is not None and self.duration_minutes is None:
            self.duration_minutes = self.timed_minutes(self.occurred_at, self.ended_at)
        super().save(*args, **kwargs)

    @property
    def is_running(self) -> bool:
        """``RUNNING_CRYING`` for one entry in hand (the query and the constraint use the Q)."""
        return self.kind == self.Kind.CRYING and self.ended_at is None and self.duration_minutes is None

    def clean(self) -> None:
        check_not_future(self.occurred_at, "occurred_at")
        check_not_future(self.ended_at, "ended_at")
        check_end_after_start(self.occurred_at, self.ended_at)
        if self.infant_id:
            check_not_before_birth(self.occurred_at, "occurred_at", self.infant)
        errors: dict[str, str] = {}
        kind = self.kind
        if kind == self.Kind.REGURGITATION and not self.size:
            errors["size"] = "Choose how big the spit-up was."
        if kind == self.Kind.ABDOMINAL_PAIN and self.severity is None:
            errors["severity"] = "Choose how bad the pain looked, from 0 (none) to 3 (severe)."
        if kind == self.Kind.STOOL and self.stool_consistency is None:
            errors["stool_consistency"] = "Choose the picture that matches the stool (1 to 7)."
        if kind != self.Kind.CRYING and self.ended_at is not None:
            errors["ended_at"] = "Only crying has an end time."
        if kind == self.Kind.CRYING and self.ended_at and self.duration_minutes is not None:
            span = (self.ended_at - self.occurred_at).total_seconds() / 60
            if self.duration_minutes > span + 1:
                errors["duration_minutes"] = (
                    f"From start to end is {round(span)} min, so the crying can't have lasted "
                    f"{self.duration_minutes} min."
                )
        if kind != self.Kind.STOOL and (self.stool_consistency or self.stool_colour):
            errors["stool_consistency"] = "Consistency and colour belong to a stool entry."
        if errors:
            raise ValidationError(errors)

    def crying_minutes(self) -> int | None:
        """Minutes of crying: the typed duration, or the timed span rounded; None while timed.
        (Saved spells that have ended always hold their minutes: ``ENDED_CRYING_HAS_MINUTES``.)"""
        if self.duration_minutes is not None:
            return self.duration_minutes
        if self.ended_at is not None:
            return self.timed_minutes(self.occurred_at, self.ended_at)
        return None

    @staticmethod
    def timed_minutes(started: datetime, ended: datetime) -> int:
        """The minutes of a spell timed from ``started`` to ``ended``, rounded to the nearest."""
        return round((ended - started).total_seconds() / 60)


class DailyCheck(models.Model):
    """One per baby per local day, so a symptom-free day differs from a day with no data."""

    #: Her answers to "anything other than breast milk?", in the order they are offered.
    OTHER_THAN_BREAST_MILK_ANSWERS: tuple[tuple[bool | None, str], ...] = (
        (None, "Not sure"),
        (False, "No, breast milk only"),
        (True, "Yes (formula, water, food)"),
    )

    infant = models.ForeignKey(Infant, on_delete=models.CASCADE, related_name="daily_checks")
    day = models.DateField()
    no_symptoms = models.BooleanField("no symptoms today", default=False)
    other_than_breast_milk = models.BooleanField(
        "anything other than breast milk today?",
        null=True,
        blank=True,
        help_text="Formula, water or food. Drops of vitamins or medicine don't count.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InfantRecordsQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["infant", "day"], name="one_daily_check_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.infant} on {self.day}"

    def clean(self) -> None:
        if self.day is None or self.infant_id is None:
            return
        zone = self.infant.mother.zone
        if self.day > local_today(zone):
            raise ValidationError({"day": "That day hasn't happened yet."})
        if self.day < local_date(self.infant.birth_at, zone):
            raise ValidationError({"day": f"That is before {self.infant.name} was born."})
