"""Web Push: the devices (browsers) a mother asked to remind her, one row per subscription."""

from django.conf import settings
from django.db import models

from tracker.models.scoping import MotherScopedQuerySet


class PushSubscription(models.Model):
    """One browser on one device that she allowed to show her reminders ("Remind me on this
    phone"). The endpoint is the push service's address for that browser: unique, so the same
    browser subscribing again updates its row. A push service that answers 404 or 410 for it
    says the browser dropped it: the row is deleted then (``tracker.reminders.push``)."""

    mother = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    #: The browser's P-256 public key and auth secret (base64url), to encrypt each payload for it.
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    #: How she recognises the device in her list ("Chrome on Android"), from its user agent.
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    #: The last time the push service accepted a reminder for it.
    last_success_at = models.DateTimeField(null=True, blank=True)

    objects = MotherScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} of {self.mother}"

    def subscription_info(self) -> dict:
        """The shape pywebpush takes (the browser's ``PushSubscription.toJSON()``)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
