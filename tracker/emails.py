"""What every email the app sends shares: a subject no stored text can break, which errors
of the mail server or the network are worth another try, and, for the emails sent by the
thousand (dose reminders), a message that is cheaper to turn into bytes and to send."""

import functools
import re
import smtplib
import uuid
from email._policybase import Compat32
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    forbid_multi_line_headers,
    sanitize_address,
)

from tracker.models.validators import breaks_a_line

#: Errors worth retrying: the mail server or the network may come back.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)
#: RFC 5322's recommended line length, which the standard policy folds headers to.
_FOLD_AT = 78
_HEADER_LINE = 76  # what email.header.Header folds a value to when it is given no name


def one_line(text: str) -> str:
    """``text`` as one header-safe line: each run of whitespace or control characters is one
    space. A subject is built from names she typed; one typed before names were limited to a
    line (or written by other means) must still give a subject the mail library accepts."""
    # A printable text has no control character nor line or paragraph separator to replace.
    spaced = text if text.isprintable() else "".join(" " if breaks_a_line(char) else char for char in text)
    return " ".join(spaced.split())


class _ShortHeadersAsTheyAre(Compat32):
    """The standard (compat32) policy, minus its cost on headers that need nothing done: a
    short one-line ASCII header is written as it is, and an ASCII value with no whitespace
    that does not fit after its name goes whole on the next line (a link in
    List-Unsubscribe), which is what the folding algorithm gives for both, without building a
    ``Header`` (that was about a sixth of the CPU of sending a reminder). Anything else is
    folded and encoded as before."""

    def fold_binary(self, name, value):
        if isinstance(value, str) and value.isascii() and "\n" not in value and "\r" not in value:
            if len(name) + 2 + len(value) <= _FOLD_AT:
                return f"{name}: {value}{self.linesep}".encode("ascii")
            if value and not any(char.isspace() for char in value):
                # One word too long for the first line: the algorithm has nowhere to split
                # it, and moves it to a continuation line of its own.
                return f"{name}: {self.linesep} {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


SHORT_HEADERS_AS_THEY_ARE = _ShortHeadersAsTheyAre()
_OVER_SMTP = SHORT_HEADERS_AS_THEY_ARE.clone(linesep="\r\n")  # what the generator folds with for SMTP


class LeanEmail(EmailMultiAlternatives):
    """An ``EmailMultiAlternatives`` whose bytes cost less CPU to make, for emails sent in
    bulk: short headers skip the folding algorithm, and the MIME boundary is a random
    token chosen up front (the standard generator otherwise compiles a regular expression
    per message to check its own random boundary against the text; 128 random bits cannot
    occur in a text by chance). The bytes are otherwise those Django makes."""

    def message(self):
        message = super().message()
        message.policy = SHORT_HEADERS_AS_THEY_ARE
        if message.is_multipart():
            message.set_boundary(f"=============={uuid.uuid4().hex}==")
        return message


# An address that Django's sanitize_address gives back as it is (a dot-atom, ASCII, domain
# labels short enough for IDNA): the envelope takes it without parsing it.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*"
)
_LINE_BREAKS = re.compile(rb"\r\n|\r|\n")
_BOUNDARY_SHAPE = "=============={}=="


def plain_address(address: str, encoding: str) -> str:
    """``sanitize_address(address, encoding)``, without parsing a plain address."""
    return address if _PLAIN_ADDRESS.fullmatch(address) else sanitize_address(address, encoding)


@functools.lru_cache(maxsize=16)
def _sender(from_email: str, encoding: str) -> tuple[str, bytes]:
    """The envelope sender and the From header of ``from_email``: the same for every email."""
    return sanitize_address(from_email, encoding), _header("From", from_email, encoding)


def _subject(value: str, encoding: str) -> bytes:
    """``_header("Subject", value, encoding)``. Django runs an ASCII subject through
    ``Header(value).encode()``, which gives back as it is a value of words with single spaces
    between them that fits in its 76 characters: such a subject skips it."""
    if value.isascii() and len(value) <= _HEADER_LINE and " ".join(value.split()) == value:
        return _OVER_SMTP.fold_binary("Subject", value)
    return _header("Subject", value, encoding)


@functools.lru_cache(maxsize=4)
def _multipart_head(subtype: str) -> bytes:
    """The folded Content-Type and MIME-Version of a multipart message, with a boundary of
    32 zeros: each email puts its own 32 hex digits there (the folding is the same)."""
    value = f'multipart/{subtype}; boundary="{_BOUNDARY_SHAPE.format("0" * 32)}"'
    return _OVER_SMTP.fold_binary("Content-Type", value) + b"MIME-Version: 1.0\r\n"


def _header(name: str, value: str, encoding: str) -> bytes:
    """What Django stores for ``msg[name] = value`` (``forbid_multi_line_headers``), folded as
    the generator writes it."""
    return _OVER_SMTP.fold_binary(*forbid_multi_line_headers(name, value, encoding))


def _text_part(body: str, subtype: str) -> bytes | None:
    """A text/``subtype`` part in UTF-8 as Django writes it, or None when Django would use
    quoted-printable (a line over 998 bytes) or the text cannot be encoded."""
    try:
        lines = body.splitlines()
        # Django's test, line by line in bytes; a line of at most a quarter of the limit in
        # characters is within it in UTF-8 whatever they are.
        if max(map(len, lines), default=0) > RFC5322_EMAIL_LINE_LENGTH_LIMIT // 4 and any(
            len(line.encode(errors="surrogateescape")) > RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in lines
        ):
            return None
        data = body.encode()
    except UnicodeError:
        return None
    encoding = "7bit" if data.isascii() else "8bit"
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    )
    return head.encode("ascii") + b"\r\n".join(_LINE_BREAKS.split(data))


def alternatives_bytes(
    *, subject: str, text: str, html: str, from_email: str, to: str, headers: dict[str, str], date: str = ""
) -> tuple[str, str, bytes] | None:
    """The envelope (sender, recipient) and the bytes Django's SMTP backend sends for a
    ``LeanEmail`` with these parts and one alternative, ``html``: the same bytes, built
    directly (the MIME tree, the generator and parsing the addresses again took about half the
    CPU of sending a reminder). ``date``, if given, replaces the current time. None when the
    email needs what only Django's path does (a charset other than utf-8, quoted-printable,
    no text): send it as a ``LeanEmail`` then. ``tests/test_lean_email.py`` compares the two."""
    encoding = settings.DEFAULT_CHARSET
    names = {name.lower() for name in headers}
    if encoding != "utf-8" or not (text and to) or names & _OWN_HEADERS or "message-id" not in names:
        return None  # (Django makes a Message-ID up when there is none)
    text_part, html_part = _text_part(text, "plain"), _text_part(html, "html")
    if text_part is None or html_part is None:
        return None
    envelope_from, from_header = _sender(from_email, encoding)
    boundary = _BOUNDARY_SHAPE.format(uuid.uuid4().hex).encode("ascii")
    lines = [
        _multipart_head("alternative").replace(_BOUNDARY_SHAPE.format("0" * 32).encode("ascii"), boundary),
        _subject(subject, encoding),
        from_header,
        _header("To", to, encoding),
        _header("Date", date or formatdate(localtime=settings.EMAIL_USE_LOCALTIME), encoding),
        *(_header(name, value, encoding) for name, value in headers.items()),
        b"\r\n--",
        boundary,
        b"\r\n",
        text_part,
        b"\r\n--",
        boundary,
        b"\r\n",
        html_part,
        b"\r\n--",
        boundary,
        b"--\r\n",
    ]
    return envelope_from, plain_address(to, encoding), b"".join(lines)


def lean_email(
    *, subject: str, text: str, html: str, from_email: str, to: str, headers: dict, date: str = ""
):
    """The ``LeanEmail`` of ``alternatives_bytes``'s parts."""
    message = LeanEmail(
        subject=subject,
        body=text,
        from_email=from_email,
        to=[to],
        headers={**headers, "Date": date} if date else headers,
    )
    message.attach_alternative(html, "text/html")
    return message


# Headers that alternatives_bytes writes itself, or that Django handles apart.
_OWN_HEADERS = {"from", "to", "cc", "reply-to", "date", "subject", "content-type", "mime-version"}


def send_alternatives(connection, **parts) -> None:
    """Send a text email with an HTML alternative (``alternatives_bytes``'s ``parts``) over
    ``connection`` (a Django mail backend; None for a new one, opened and closed here): its
    bytes built directly when the backend is Django's SMTP one, else through ``LeanEmail``.
    Either way the backend's settings, connection handling and errors are Django's."""
    connection = connection or get_connection()
    envelope = alternatives_bytes(**parts) if isinstance(connection, SMTPBackend) else None
    if envelope is None:
        message = lean_email(**parts)
        message.connection = connection
        message.send()
        return
    sender, recipient, data = envelope
    # What the backend's send_messages and _send do around ``sendmail``.
    opened = connection.open()
    if not connection.connection or opened is None:
        return  # it failed silently (fail_silently)
    try:
        _sendmail(connection.connection, sender, recipient, data)
    except smtplib.SMTPException:
        if not connection.fail_silently:
            raise
    finally:
        if opened:
            connection.close()


@functools.lru_cache(maxsize=16)
def _quoted(address: str) -> str:
    return smtplib.quoteaddr(address)


def _sendmail(smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes) -> None:
    """``smtp.sendmail(sender, [recipient], data)``, the same commands, replies and errors,
    without parsing the addresses again for each message (``smtplib.quoteaddr``: the sender
    once per process, a plain recipient not at all)."""
    smtp.ehlo_or_helo_if_needed()
    size = f" size={len(data)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    smtp.putcmd("mail", f"from:{_quoted(sender)}{size}")
    code, reply = smtp.getreply()
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    quoted = f"<{recipient}>" if _PLAIN_ADDRESS.fullmatch(recipient) else smtplib.quoteaddr(recipient)
    smtp.putcmd("rcpt", f"to:{quoted}")
    code, reply = smtp.getreply()
    if code not in (250, 251):
        _abandon(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = smtp.data(data)
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def _abandon(smtp: smtplib.SMTP, code: int) -> None:
    """What ``sendmail`` does when a reply refuses: close on 421, else reset the transaction."""
    if code == 421:
        smtp.close()
    else:
        smtp._rset()  # noqa: SLF001 (sendmail's own reset, which ignores a dropped connection)
