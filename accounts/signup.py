"""Signing up by email: the address is proven before an account exists, and the answer to the
sign-up form never says whether the address already had one."""

from dataclasses import asdict, dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from tracker.emails import TRANSIENT_ERRORS
from tracker.signed_links import LinkError, SignedLink, absolute_url

FINISH_LINK_LIFETIME = timedelta(days=3)
FINISH_LINK = SignedLink(
    salt="accounts.signup.finish",
    url_name="signup_finish",
    lifetime=FINISH_LINK_LIFETIME,
    expired_message=(
        f"This link has expired: links to finish signing up work for {FINISH_LINK_LIFETIME.days} "
        "days. Sign up again and we will email you a new one."
    ),
    invalid_message=(
        "This link is not valid. It may have been cut off or changed: open it again from the "
        "email, or sign up again."
    ),
    compress=True,
)

FINISH_SUBJECT = "Finish creating your Probiotic tracker account"
TAKEN_SUBJECT = "Someone tried to sign up with your email address"
MSG_NOT_SENT = "We could not send you the email just now. Please try again in a minute."


@dataclass(frozen=True)
class Signup:
    """What she typed on the sign-up form, carried by the signed link in her email."""

    email: str
    display_name: str
    role: str
    time_zone: str
    #: Where to go once the account exists (an invitation brings clinicians back to it).
    next_url: str = ""

    def new_user(self) -> User:
        """The account to create, not saved yet (the password form validates against it)."""
        return User(
            email=self.email, display_name=self.display_name, role=self.role, time_zone=self.time_zone
        )


class AccountExists(Exception):
    """The address got an account, from this link or another, after the link was sent."""


def make_finish_link(signup: Signup) -> str:
    """An absolute URL for the email. Signed, not secret: it holds nothing but what she typed."""
    return FINISH_LINK.url(asdict(signup))


def read_finish_token(token: str) -> Signup:
    """The sign-up a valid link carries, or ``LinkError`` saying why it can't be used."""
    fields = FINISH_LINK.read(token)
    try:
        return Signup(**fields)
    except TypeError as error:  # signed by an older version with other fields
        raise LinkError(FINISH_LINK.invalid_message) from error


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def signup_request(signup: Signup) -> None:
    """Email the address a link to finish signing up or, when it already has an account, how to
    log in or reset the password; nothing is created or changed either way. ``ValidationError``
    when the mail server can't take the email.

    Both branches make the same query and send one short email, and no password is hashed at
    this step, so the time taken gives away as little as the answer does."""
    owner = User.objects.filter(email__iexact=signup.email).first()
    if owner is None:
        context = {
            "signup": signup,
            "link": make_finish_link(signup),
            "lifetime_days": FINISH_LINK_LIFETIME.days,
        }
        template, subject = "accounts/signup_finish_email.txt", FINISH_SUBJECT
    else:
        login_path = reverse("login")
        if signup.next_url:
            login_path += "?" + urlencode({"next": signup.next_url})
        context = {
            "user": owner,
            "login_link": absolute_url(login_path),
            "reset_link": absolute_url(reverse("password_reset")),
        }
        template, subject = "accounts/signup_taken_email.txt", TAKEN_SUBJECT
    try:
        send_mail(
            subject=subject,
            message=render_to_string(template, context),
            from_email=None,
            recipient_list=[signup.email],
        )
    except TRANSIENT_ERRORS as error:  # the same answer whichever email it was
        raise ValidationError(MSG_NOT_SENT, code="signup_not_sent") from error


def signup_finish(user: User) -> User:
    """Save the account built from a link (its password already set); ``AccountExists`` if the
    address got one in the meantime, say from the same link opened twice."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise AccountExists(user.email) from error
    return user
