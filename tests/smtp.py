"""A real SMTP server on 127.0.0.1 for tests and benchmarks: aiosmtpd in a thread.

``MailSink`` accepts (or refuses, on purpose) every message it is given and counts
them by recipient, so a test can ask "did each mother get exactly one email?" of
what actually crossed the wire, not of a mock.
"""

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller

REFUSAL = "451 4.3.0 Mail server busy, try again later"


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    recipients: tuple[str, ...]
    content: bytes


class MailSink:
    """An aiosmtpd handler that refuses the first ``refuse_first`` DATA commands with a
    451 (all of them when ``refuse_always``) and records the rest.

    Faults of the connection, on purpose: ``drop_after_first`` closes each connection when a
    second message comes over it (the message is not received); ``lose_first_reply``
    receives each Message-ID's first copy but closes the connection instead of answering
    "250", as when the reply is lost on the way back.

    ``keep_content=False`` keeps only the counts, for benchmarks with many messages.
    """

    def __init__(
        self,
        *,
        refuse_first: int = 0,
        refuse_always: bool = False,
        keep_content: bool = True,
        drop_after_first: bool = False,
        lose_first_reply: bool = False,
    ):
        self.refuse_first = refuse_first
        self.refuse_always = refuse_always
        self.keep_content = keep_content
        self.drop_after_first = drop_after_first
        self.lose_first_reply = lose_first_reply
        self.dropped = 0
        self.replies_lost = 0
        self._message_ids: set[str] = set()
        self.data_attempts = 0
        self.refused = 0
        self.messages: list[ReceivedMessage] = []
        self.by_recipient: Counter[str] = Counter()
        self.accepted = 0
        self.last_accepted_at: float | None = None  # time.monotonic()
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it by this name
        with self._changed:
            self.data_attempts += 1
            if self.drop_after_first and getattr(session, "delivered", 0):
                self.dropped += 1
                server.transport.close()
                self._changed.notify_all()
                return "421 4.4.2 Closing the connection"
            if self.refuse_always or self.data_attempts <= self.refuse_first:
                self.refused += 1
                self._changed.notify_all()
                return REFUSAL
            session.delivered = getattr(session, "delivered", 0) + 1
            if self.keep_content:
                self.messages.append(
                    ReceivedMessage(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content)
                )
            self.by_recipient.update(address.lower() for address in envelope.rcpt_tos)
            self.accepted += 1
            self.last_accepted_at = time.monotonic()
            if self.lose_first_reply and self._first_copy(envelope.original_content):
                self.replies_lost += 1
                server.transport.close()  # received, but the "250" never reaches the sender
            self._changed.notify_all()
        return "250 2.0.0 OK: queued"

    def _first_copy(self, content: bytes) -> bool:
        """Whether no message with this one's Message-ID came before it."""
        message_id = BytesHeaderParser().parsebytes(content).get("Message-ID", "")
        first = message_id not in self._message_ids
        self._message_ids.add(message_id)
        return first

    def wait_for(self, condition: Callable[["MailSink"], bool], timeout: float) -> bool:
        """Block until ``condition(self)`` holds or ``timeout`` seconds pass; whether it holds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(handler: MailSink, host: str = "127.0.0.1") -> Iterator[tuple[str, int]]:
    """Run ``handler`` behind a real SMTP server on a free port; yields ``(host, port)``."""
    for attempt in range(5):
        # aiosmtpd's controller must know its port up front (it connects to itself to
        # check it is up), so pick a free one; another process may take it meanwhile.
        controller = Controller(handler, hostname=host, port=free_port(host), ready_timeout=10)
        try:
            controller.start()
        except (OSError, RuntimeError):
            if attempt == 4:
                raise
            continue
        break
    try:
        yield host, controller.port
    finally:
        controller.stop()
