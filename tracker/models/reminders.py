"""Dose reminder emails: her preferences, and one row per reminder sent (or not)."""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from tracker.models.regimens import Regimen
from tracker.models.scoping import MotherScopedQuerySet, RegimenScopedQuerySet


class ReminderSettings(models.Model):
    """A mother's reminder preferences; absent means the defaults below."""

    mother = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    email_enabled = models.BooleanField(
        "email me at each dose time", default=True, help_text="Off after you unsubscribe from an email."
    )
    push_enabled = models.BooleanField(
        "show reminders on the devices I chose",
        default=False,
        help_text='Turned on when you tap "Remind me on this phone".',
    )
    follow_up = models.BooleanField("one more email 60 minutes after a dose I haven't logged", default=False)
    quiet_start = models.TimeField("quiet hours from", null=True, blank=True)
    quiet_end = models.TimeField("quiet hours until", null=True, blank=True)

    objects = MotherScopedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "reminder settings"

    def __str__(self) -> str:
        return f"Reminder settings of {self.mother}"

    def clean(self) -> None:
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValidationError("Give both ends of your quiet hours, or neither.")
        if self.quiet_start is not None and self.quiet_start == self.quiet_end:
            raise ValidationError("Quiet hours must start and end at different times.")

    def is_quiet(self, at: time) -> bool:
        """Whether the local wall-clock time ``at`` falls in the quiet hours (start inclusive,
        end exclusive; a range like 22:00-07:00 wraps past midnight)."""
        if self.quiet_start is None or self.quiet_end is None:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= at < self.quiet_end
        return at >= self.quiet_start or at < self.quiet_end


class DoseReminder(models.Model):
    """One email about one dose slot. The unique constraint makes one row per slot and kind;
    the email is delivered at least once (``tracker.reminders.sending`` says when twice)."""

    class Kind(models.TextChoices):
        SLOT = "slot", "At the dose time"
        FOLLOW_UP = "follow_up", "Follow-up after 60 minutes"
        SNOOZE_1 = "snooze_1", "Snoozed 30 minutes"
        SNOOZE_2 = "snooze_2", "Snoozed 30 minutes again"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        QUEUED = "queued", "Handed to a worker"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed after retries"
        SKIPPED = "skipped", "Not needed"
        DROPPED = "dropped", "Dropped: too late"

    regimen = models.ForeignKey(Regimen, on_delete=models.CASCADE, related_name="reminders")
    slot_date = models.DateField()
    slot_time = models.TimeField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SLOT)
    due_at = models.DateTimeField(help_text="UTC instant at which it should go out.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    #: Set by the insert that records the row and by the conditional UPDATE that claims it,
    #: so a dispatcher can read back exactly the rows it inserted, then those it won.
    claim_token = models.UUIDField(null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    #: While queued or sending: the instant after which the dispatcher takes the row back to
    #: pending (tracker/reminders/leases.py). Meaningless in any other status.
    lease_until = models.DateTimeField(null=True, blank=True)
    #: When the mail server accepted the email (a reminder with push: the email may be sent
    #: while the push is still to go; the status says "sent" once every channel is done).
    sent_at = models.DateTimeField(null=True, blank=True)
    #: When a push service accepted it for at least one of her devices (None: not pushed).
    pushed_at = models.DateTimeField(null=True, blank=True)
    #: For a snooze: the reminder whose "remind me in 30 minutes" link made it. One-to-one,
    #: so each email's snooze link works once, however often it is opened and confirmed.
    snooze_of = models.OneToOneField(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="snoozed_into"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegimenScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["regimen", "slot_date", "slot_time", "kind"], name="one_reminder_per_slot_and_kind"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.slot_date} {self.slot_time:%H:%M}: {self.status}"
