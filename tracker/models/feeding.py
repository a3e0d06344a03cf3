"""Feeding sessions: breast (timed per side), bottle, or both."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.utils import timezone
from django.utils.formats import time_format

from tracker.models.family import Infant
from tracker.models.scoping import InfantRecordsQuerySet
from tracker.models.validators import (
    BOTTLE_ML_MAX,
    BOTTLE_ML_MIN,
    MAX_FEED_DURATION,
    MSG_BOTTLE_RANGE,
    MSG_FEED_TOO_LONG,
    check_end_after_start,
    check_not_before_birth,
    check_not_future,
)

MAX_SWITCHES = 30
SIDE_TIME_SLACK = timedelta(minutes=1)
BOTTLE_ONLY = {"expressed", "formula"}


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"

    @classmethod
    def other(cls, side: str) -> "Side":
        """The other breast: right after left, left after right (or after no side at all)."""
        return cls.RIGHT if side == cls.LEFT else cls.LEFT


class FeedingSession(models.Model):
    class Method(models.TextChoices):
        BREAST = "breast", "Breast"
        EXPRESSED = "expressed", "Expressed breast milk (bottle)"
        FORMULA = "formula", "Formula"
        MIXED = "mixed", "Mixed"

    #: Everything a finished feed records, in the order the exports list it.
    RECORDED_FIELDS = (
        "started_at",
        "ended_at",
        "method",
        "start_side",
        "left_seconds",
        "right_seconds",
        "switches",
        "bottle_ml",
        "notes",
    )

    infant = models.ForeignKey(Infant, on_delete=models.CASCADE, related_name="feeds")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Empty while running.")
    method = models.CharField(max_length=16, choices=Method.choices, default=Method.BREAST)
    start_side = models.CharField(max_length=8, choices=Side.choices, blank=True)
    #: While the timer runs: the breast in use and since when.
    current_side = models.CharField(max_length=8, choices=Side.choices, blank=True)
    side_started_at = models.DateTimeField(null=True, blank=True)
    left_seconds = models.PositiveIntegerField(default=0)
    right_seconds = models.PositiveIntegerField(default=0)
    switches = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(MAX_SWITCHES)],
        error_messages={"max_value": f"At most {MAX_SWITCHES} switches in one feed."},
    )
    bottle_ml = models.PositiveSmallIntegerField(
        "bottle amount (ml)",
        null=True,
        blank=True,
        validators=[MinValueValidator(BOTTLE_ML_MIN), MaxValueValidator(BOTTLE_ML_MAX)],
        error_messages={"min_value": MSG_BOTTLE_RANGE, "max_value": MSG_BOTTLE_RANGE},
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InfantRecordsQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["infant"],
                condition=models.Q(ended_at__isnull=True),
                name="one_running_feed_per_infant",
                violation_error_message="A feed is already running for this baby.",
            ),
        ]
        indexes = [models.Index(fields=["infant", "started_at"])]

    def __str__(self) -> str:
        return f"{self.get_method_display()} feed at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None

    @property
    def duration(self) -> timedelta | None:
        return None if self.ended_at is None else self.ended_at - self.started_at

    @property
    def last_side(self) -> str:
        """The breast the feed ended on (or is on now), blank for bottle-only feeds."""
        if self.current_side:
            return self.current_side
        if not self.start_side:
            return ""
        if self.switches % 2 == 0:
            return self.start_side
        return Side.other(self.start_side)

    def bank_current_side(self, until: datetime) -> None:
        """Add the time on the breast in use, from when she moved to it until ``until``, to that
        breast's total (whole seconds, never negative). Nothing without a running side."""
        if self.current_side and self.side_started_at:
            seconds = max(0, round((until - self.side_started_at).total_seconds()))
            if self.current_side == Side.LEFT:
                self.left_seconds += seconds
            else:
                self.right_seconds += seconds

    @property
    def switch_side(self) -> str:
        """The breast "Switch" moves a running feed to: the one it is not on now."""
        return Side.other(self.current_side or self.start_side or Side.LEFT)

    @property
    def next_start_side(self) -> str:
        """The breast to offer first at the feed after this one, blank after a bottle-only feed.

        After a feed on both breasts, the one this feed ended on (it was drained less); after a
        one-sided feed, the other breast.
        """
        if not self.last_side:
            return ""
        if self.switches > 0 or (self.left_seconds and self.right_seconds):
            return self.last_side
        return Side.other(self.last_side)

    def clean(self) -> None:
        check_not_future(self.started_at, "started_at")
        check_not_future(self.ended_at, "ended_at")
        check_end_after_start(self.started_at, self.ended_at)
        if self.infant_id:
            check_not_before_birth(self.started_at, "started_at", self.infant)
        if self.started_at and self.ended_at and self.ended_at - self.started_at > MAX_FEED_DURATION:
            raise ValidationError({"ended_at": MSG_FEED_TOO_LONG})
        self._check_sides()
        if self.infant_id and self.started_at:
            self._check_no_overlap()

    def _check_sides(self) -> None:
        breast_seconds = (self.left_seconds or 0) + (self.right_seconds or 0)
        if self.method in BOTTLE_ONLY and (breast_seconds or self.switches or self.start_side):
            raise ValidationError(
                "A bottle feed has no time on the breast: set the breast minutes and switches to 0, "
                "or choose Breast or Mixed."
            )
        if self.method == self.Method.BREAST and self.bottle_ml:
            raise ValidationError({"bottle_ml": "A breastfeed has no bottle amount: choose Mixed instead."})
        duration = self.duration
        if duration is not None and timedelta(seconds=breast_seconds) > duration + SIDE_TIME_SLACK:
            raise ValidationError(
                f"The minutes on each breast add up to {round(breast_seconds / 60)} min, "
                f"more than the feed's {round(duration.total_seconds() / 60)} min."
            )

    def _check_no_overlap(self) -> None:
        """No other feed of this baby overlaps this one (a running feed lasts until now, and
        one of the others that runs overlaps everything after its start).

        The baby's other feeds never overlap each other, so only two can overlap this one: the
        last that started before it and the first that starts with it or after. Just those two
        are read, through the (infant, started_at) index, whatever her history."""
        end = self.ended_at or timezone.now()
        others = FeedingSession.objects.filter(infant_id=self.infant_id).values_list("started_at", "ended_at")
        if self.pk is not None:
            others = others.exclude(pk=self.pk)
        before = others.filter(started_at__lt=self.started_at).order_by("-started_at")[:1]
        after = others.filter(started_at__gte=self.started_at).order_by("started_at")[:1]
        if connection.features.supports_slicing_ordering_in_compound:
            neighbours = list(before.union(after, all=True))  # one query (PostgreSQL)
        else:
            neighbours = [*before, *after]  # SQLite cannot order and cut each part of a UNION
        clashes = sorted(
            started
            for started, ended in neighbours
            if started < end and (ended is None or ended > self.started_at)
        )
        if clashes:
            local = clashes[0].astimezone(self.infant.mother.zone)
            raise ValidationError(
                f"This overlaps another feed for {self.infant.name} that started at "
                f"{time_format(local, 'H:i')} on {local:%d %b}. Feeds for one baby can't overlap."
            )
