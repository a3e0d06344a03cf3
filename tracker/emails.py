"""What every email the app sends shares: a subject no stored text can break, and which
errors of the mail server or the network are worth another try."""

import smtplib

from tracker.models.validators import breaks_a_line

#: Errors worth retrying: the mail server or the network may come back.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


def one_line(text: str) -> str:
    """``text`` as one header-safe line: each run of whitespace or control characters is one
    space. A subject is built from names she typed; one typed before names were limited to a
    line (or written by other means) must still give a subject the mail library accepts."""
    spaced = "".join(" " if breaks_a_line(char) else char for char in text)
    return " ".join(spaced.split())
