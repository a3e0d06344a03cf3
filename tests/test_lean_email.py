"""The reminder email's cheaper bytes are the bytes Django makes: ``LeanEmail`` only skips
work (header folding where nothing is folded, the boundary check) whose result is known, and
``alternatives_bytes`` writes directly what Django's SMTP backend would send."""

import email
import re
from email._policybase import compat32

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address

from tracker.emails import (
    SHORT_HEADERS_AS_THEY_ARE,
    LeanEmail,
    _header,
    _quoted,
    _subject,
    alternatives_bytes,
    plain_address,
)

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


CASES = [
    ("Time for your Bench probiotic (08:00)", "Anna", "anna@example.org"),
    (
        "Still to log: your 08:00 " + "Lactobacillus reuteri DSM 17938 drops " * 3,
        "Anna",
        "Anna.B+x@Example.ORG",
    ),
    ("Time for your Probiotico è più (08:00)", "Zoë", "zoë@exämple.org"),
    ("Time for your drops (20:00)", "Anna", "Anna B <anna@example.org>"),
]
DATE = "Mon, 16 Nov 2026 07:00:00 -0000"
HEADERS = {
    "Message-ID": "<reminder.42.0123456789abcdef0123@tracker.example.org>",
    "List-Unsubscribe": f"<{LONG_LINK}>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}
FROM = "Probiotic tracker <reminders@tracker.example.org>"


def _django_sends(subject: str, text: str, html: str, to: str, boundary: str) -> tuple[str, str, bytes]:
    """The envelope and bytes Django's SMTP backend sends (``EmailBackend._send``)."""
    standard = EmailMultiAlternatives(subject, text, FROM, [to], headers={"Date": DATE, **HEADERS})
    standard.attach_alternative(html, "text/html")
    message = standard.message()
    message.set_boundary(boundary)
    return sanitize_address(FROM, "utf-8"), sanitize_address(to, "utf-8"), message.as_bytes(linesep="\r\n")


@pytest.mark.parametrize("subject, name, to", CASES)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_alternatives_bytes_are_what_djangos_smtp_backend_sends(subject, name, to, newline):
    text = f"Hi {name},{newline}{newline}It's 08:00: time for your dose.{newline}{LONG_LINK}{newline}"
    html = f"<p>Hi {name},</p>{newline}<p><a href='{LONG_LINK}'>Stop these emails</a></p>"
    sender, recipient, data = alternatives_bytes(
        subject=subject, text=text, html=html, from_email=FROM, to=to, headers=HEADERS, date=DATE
    )
    boundary = email.message_from_bytes(data).get_boundary()

    assert (sender, recipient, data) == _django_sends(subject, text, html, to, boundary)
    assert re.fullmatch(r"=+[0-9a-f]{32}==", boundary)


def test_an_email_django_would_encode_quoted_printable_is_left_to_django():
    parts = {"subject": "s", "from_email": FROM, "to": "a@example.org", "headers": HEADERS}

    assert alternatives_bytes(text="x" * 999, html="<p>x</p>", **parts) is None
    assert alternatives_bytes(text="x", html="é" * 500, **parts) is None
    assert alternatives_bytes(text="x" * 998, html="é" * 499, **parts) is not None
    assert alternatives_bytes(text="x", html="\U0001f600" * 250, **parts) is None  # 1,000 bytes
    assert alternatives_bytes(text="x", html="\U0001f600" * 249, **parts) is not None
    assert (
        alternatives_bytes(text="x", html="y", **{**parts, "headers": {}}) is None
    )  # Django adds a Message-ID
    assert (
        alternatives_bytes(text="x", html="y", **{**parts, "headers": {**HEADERS, "Cc": "b@example.org"}})
        is None
    )


@pytest.mark.parametrize(
    "address", ["anna@example.org", "Anna.B+x_y-z@Mail.Example.ORG", "a1@b", "x@" + "d" * 63 + ".org"]
)
def test_a_plain_address_is_what_sanitize_address_gives(address):
    assert plain_address(address, "utf-8") == sanitize_address(address, "utf-8") == address


@pytest.mark.parametrize("address", ["Anna <a@example.org>", "zoë@example.org", '"a b"@example.org'])
def test_any_other_address_is_sanitized(address):
    assert plain_address(address, "utf-8") == sanitize_address(address, "utf-8")


@pytest.mark.parametrize(
    "name, value",
    [
        ("List-Unsubscribe", f"<{LONG_LINK}>"),
        ("X-Long", "y" * 59),
        ("X-Long", "y" * 60),
        ("X-Long", "y" * 200),
        ("X-Long", "a,b;c" * 30),
        ("Subject", "short one"),
        ("Subject", "a long subject with spaces " * 4),
    ],
)
def test_the_lean_policy_folds_as_the_standard_one(name, value):
    assert SHORT_HEADERS_AS_THEY_ARE.fold_binary(name, value) == compat32.fold_binary(name, value)


@pytest.mark.parametrize(
    "subject",
    [
        "Time for your Bench probiotic (08:00)",
        "x" * 76,
        "x" * 77,
        "a " * 37 + "b",
        "a " * 38 + "b",
        "Still to log: your 20:00 =?utf-8?q?x?= drops; ok, [done]",
        "two  spaces",
        " leading",
        "trailing ",
        "tab\there",
        "Probiotico è più",
    ],
)
def test_a_subject_skips_the_header_algorithm_only_where_it_gives_the_same(subject):
    assert _subject(subject, "utf-8") == _header("Subject", subject, "utf-8")


@pytest.mark.parametrize("address", [FROM, "anna@example.org", "Anna.B+x@Example.ORG", "<a@example.org>"])
def test_the_envelope_quotes_addresses_as_smtplib_does(address):
    import smtplib

    assert _quoted(address) == smtplib.quoteaddr(address)
    if plain_address(address, "utf-8") == address and "<" not in address:
        assert smtplib.quoteaddr(address) == f"<{address}>"
