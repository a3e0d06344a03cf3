"""What every email the app sends shares: a subject no stored text can break, which errors
of the mail server or the network are worth another try, and, for the emails sent by the
thousand (dose reminders), a message that is cheaper to turn into bytes."""

import smtplib
import uuid
from email._policybase import Compat32

from django.core.mail import EmailMultiAlternatives

from tracker.models.validators import breaks_a_line

#: Errors worth retrying: the mail server or the network may come back.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)
#: RFC 5322's recommended line length, which the standard policy folds headers to.
_FOLD_AT = 78


def one_line(text: str) -> str:
    """``text`` as one header-safe line: each run of whitespace or control characters is one
    space. A subject is built from names she typed; one typed before names were limited to a
    line (or written by other means) must still give a subject the mail library accepts."""
    spaced = "".join(" " if breaks_a_line(char) else char for char in text)
    return " ".join(spaced.split())


class _ShortHeadersAsTheyAre(Compat32):
    """The standard (compat32) policy, minus its cost on headers that need nothing done: a
    short one-line ASCII header is written as it is, which is what the folding algorithm
    gives for it anyway, without building a ``Header`` for it (that was about a sixth of
    the CPU of sending a reminder). Anything longer, or not plain ASCII, is folded and
    encoded as before."""

    def fold_binary(self, name, value):
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + 2 + len(value) <= _FOLD_AT
            and "\n" not in value
            and "\r" not in value
        ):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


SHORT_HEADERS_AS_THEY_ARE = _ShortHeadersAsTheyAre()


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
