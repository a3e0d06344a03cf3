"""What the account tests share: the new password, the sign-up form, logging in, the reset link."""

import re

from django.core import mail
from django.test import Client

NEW_PASSWORD = "sleepy-owl-midnight-feed-42"


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "Bea@Example.org",
        "display_name": "Bea",
        "role": "mother",
        "time_zone": "America/New_York",
    }
    return data | overrides


def log_in(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def reset_link_from_outbox() -> str:
    (message,) = mail.outbox
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
