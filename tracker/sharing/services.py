"""Writes for sharing: invite, accept, revoke, and the audit trail."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from tracker.emails import TRANSIENT_ERRORS, one_line
from tracker.models import AuditEvent, CareGrant
from tracker.sharing.tokens import INVITE_LIFETIME, make_invite_link
from tracker.signed_links import LinkError


def _send_invite(grant: CareGrant) -> None:
    context = {
        "grant": grant,
        "mother": grant.mother,
        "link": make_invite_link(grant.pk),
        "lifetime_days": INVITE_LIFETIME.days,
    }
    send_mail(
        subject=one_line(f"{grant.mother} invites you to see her feeding and probiotic record"),
        message=render_to_string("tracker/sharing/invite_email.txt", context),
        from_email=None,
        recipient_list=[grant.invited_email],
    )


MSG_INVITE_NOT_SENT = (
    "We could not send the invitation email just now, so nothing was saved. Please try again in a minute."
)


@transaction.atomic
def grant_invite(*, mother: User, email: str, scope: str, expires_at: datetime | None) -> CareGrant:
    """Create a pending grant and email a signed invite link to ``email``.

    The email is sent before the grant is committed: if the mail server can't take it, the
    grant is rolled back and ``ValidationError`` says so, so there is never a grant whose
    invitation was not sent (a second try sends a second, equally valid, link)."""
    grant = CareGrant.objects.create(
        mother=mother, invited_email=email.strip().lower(), scope=scope, expires_at=expires_at
    )
    try:
        _send_invite(grant)
    except TRANSIENT_ERRORS as error:
        raise ValidationError(MSG_INVITE_NOT_SENT, code="invite_not_sent") from error
    return grant


def grant_accept(*, grant_id: int, clinician: User, now: datetime | None = None) -> CareGrant:
    """Link the pending grant to ``clinician``. ``LinkError`` says why it can't be accepted."""
    now = now or timezone.now()
    if clinician.role != User.Role.CLINICIAN:
        raise LinkError(
            "Only a clinician account can accept an invitation. Log in with your clinician account."
        )
    with transaction.atomic():
        grant = CareGrant.objects.select_for_update().select_related("mother").filter(pk=grant_id).first()
        if grant is None or grant.revoked_at is not None:
            raise LinkError(
                "This invitation was withdrawn. Ask her to send a new one if you still need access."
            )
        if grant.expires_at is not None and grant.expires_at <= now:
            raise LinkError("The access in this invitation has already ended. Ask her to send a new one.")
        if grant.clinician_id is not None and grant.clinician_id != clinician.pk:
            raise LinkError("This invitation was already accepted by another account.")
        if grant.mother_id == clinician.pk:
            raise LinkError("You cannot accept your own invitation.")
        # A forwarded link must not open her record to someone else.
        if grant.clinician_id is None and clinician.email.lower() != grant.invited_email.lower():
            raise LinkError(
                f"This invitation was sent to {grant.invited_email}. Log in with that account, "
                "or ask her to invite the address you use here."
            )
        if grant.clinician_id is None:
            grant.clinician = clinician
            grant.accepted_at = now
            grant.save(update_fields=["clinician", "accepted_at"])
    return grant


def grant_revoke(*, grant: CareGrant, now: datetime | None = None) -> bool:
    """Revoke ``grant``; False if it was already revoked. Takes effect on the next request."""
    return (
        CareGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
            revoked_at=now or timezone.now()
        )
        == 1
    )


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from: REMOTE_ADDR, which config/wsgi.py sets to the
    client's address when trusted reverse proxies are configured (TRUSTED_PROXY_COUNT)."""
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *, actor: User, mother: User, action: str, request: HttpRequest | None = None, detail: str = ""
) -> AuditEvent:
    """Append one event to the mother's audit trail."""
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email,
        mother=mother,
        action=action,
        detail=detail[:200],
        ip_address=client_ip(request) if request is not None else None,
    )


def audit_deleted(
    *, actor: User, mother: User, what: str, how: str, request: HttpRequest | None = None
) -> None:
    """Put a deleted record in the mother's audit trail: ``what`` names it ("the 08:00 dose of
    16 Nov"), ``how`` says where it was deleted from ("History", "Undo on Today", "the API")."""
    audit_record(
        actor=actor, mother=mother, action=AuditEvent.Action.DELETED, request=request, detail=f"{what}, {how}"
    )
