"""The reminder email's cheaper bytes are the bytes Django makes: ``LeanEmail`` only skips
work (header folding where nothing is folded, the boundary check) whose result is known."""

import email
import re

import pytest
from django.core.mail import EmailMultiAlternatives

from tracker.emails import LeanEmail

LONG_LINK = "https://tracker.example.org/reminders/unsubscribe/" + "x" * 90 + "/"


def _both(subject: str, name: str, to: str) -> tuple[bytes, bytes]:
    kwargs = {
        "subject": subject,
        "body": f"Hi {name},\n\nIt's 08:00: time for your dose.\n{LONG_LINK}\n",
        "from_email": "Probiotic tracker <reminders@tracker.example.org>",
        "to": [to],
        "headers": {
            "Date": "Mon, 16 Nov 2026 07:00:00 -0000",
            "Message-ID": "<reminder.42.0123456789abcdef0123@tracker.example.org>",
            "List-Unsubscribe": f"<{LONG_LINK}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }
    lean, standard = LeanEmail(**kwargs), EmailMultiAlternatives(**kwargs)
    html = f"<p>Hi {name},</p><p><a href='{LONG_LINK}'>Stop these emails</a></p>"
    lean.attach_alternative(html, "text/html")
    standard.attach_alternative(html, "text/html")
    lean_message = lean.message()
    standard_message = standard.message()
    standard_message.set_boundary(lean_message.get_boundary())
    return lean_message.as_bytes(linesep="\r\n"), standard_message.as_bytes(linesep="\r\n")


@pytest.mark.parametrize(
    "subject, name, to",
    [
        ("Time for your Bench probiotic (08:00)", "Anna", "anna@example.org"),
        # A subject past 78 characters is folded, by the standard algorithm.
        (
            "Still to log: your 08:00 " + "Lactobacillus reuteri DSM 17938 drops " * 3,
            "Anna",
            "anna@example.org",
        ),
        # Not ASCII: encoded words, by the standard algorithm.
        ("Time for your Probiotico è più (08:00)", "Zoë", "zoë@exämple.org"),
    ],
)
def test_a_lean_email_is_byte_for_byte_what_django_makes(subject, name, to):
    lean, standard = _both(subject, name, to)

    assert lean == standard
    parsed = email.message_from_bytes(lean)
    assert parsed.is_multipart()
    assert [part.get_content_type() for part in parsed.get_payload()] == ["text/plain", "text/html"]
    assert all(len(line) <= 998 for line in lean.split(b"\r\n"))


def test_each_lean_email_has_a_boundary_of_its_own():
    boundaries = {
        LeanEmail("s", "b", to=["a@example.org"], alternatives=[("<p>b</p>", "text/html")])
        .message()
        .get_boundary()
        for _ in range(50)
    }

    assert len(boundaries) == 50
    assert all(re.fullmatch(r"=+[0-9a-f]{32}==", boundary) for boundary in boundaries)
