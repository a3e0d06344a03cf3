"""The SMTP sink of ``bench/reminders.py``: a real SMTP server on 127.0.0.1, in a process of
its own, that accepts every message and counts them by recipient.

Two servers: ``light`` (the default), a small asyncio SMTP server written for the bench
(EHLO/HELO, MAIL, RCPT, DATA with dot-stuffing, RSET, NOOP, QUIT; every message accepted,
its content not kept), and ``aiosmtpd``, the tests' ``tests.smtp.MailSink`` behind aiosmtpd.
Both answer over TCP as a mail server does; the light one spends about a tenth of the CPU per
message, and on a two-core machine the sink's CPU is taken from the worker's.
"""

import asyncio
import multiprocessing
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_END_OF_DATA = b"\r\n.\r\n"


class SinkProcess:
    """The SMTP sink (``kind``: "light" or "aiosmtpd") in a process of its own, so that its
    CPU is neither the worker's nor the bench's and does not slow the dispatcher's thread;
    the bench asks it for its counts over a pipe."""

    def __init__(self, kind: str = "light"):
        self._pipe, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve_sink, args=(child, kind), daemon=True
        )
        self._process.start()
        self.port: int = self._pipe.recv()

    def counts(self) -> tuple[int, float | None, float]:
        """Messages accepted so far, when the last one was (``time.monotonic()``), and the
        sink's CPU seconds so far."""
        self._pipe.send("counts")
        return self._pipe.recv()

    def by_recipient(self) -> Counter:
        self._pipe.send("by_recipient")
        return self._pipe.recv()

    def stop(self) -> None:
        self._pipe.send("stop")
        self._process.join(10)


class LightSink:
    """What the bench reads of a sink: messages accepted, when the last was, by recipient."""

    def __init__(self):
        self.accepted = 0
        self.last_accepted_at: float | None = None
        self.by_recipient: Counter[str] = Counter()
        self.lock = threading.Lock()  # the server's thread writes, the pipe's reads

    def accept(self, recipients: list[str]) -> None:
        with self.lock:
            self.by_recipient.update(recipients)
            self.accepted += 1
            self.last_accepted_at = time.monotonic()


class _Session(asyncio.Protocol):
    """One SMTP connection: commands line by line, then the message up to "<CRLF>.<CRLF>"."""

    def __init__(self, sink: LightSink):
        self.sink = sink
        self.buffer = b""
        self.in_data = False
        self.recipients: list[str] = []

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(b"220 bench-sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.buffer:
            if self.in_data:
                # The message starts right after the 354 reply: an empty one is just ".<CRLF>".
                end = 0 if self.buffer.startswith(b".\r\n") else self.buffer.find(_END_OF_DATA)
                if end < 0:
                    return
                self.buffer = self.buffer[end + (3 if end == 0 else len(_END_OF_DATA)) :]
                self.in_data = False
                self.sink.accept(self.recipients)
                self.recipients = []
                self.transport.write(b"250 2.0.0 OK: queued\r\n")
                continue
            line, found, rest = self.buffer.partition(b"\r\n")
            if not found:
                return
            self.buffer = rest
            self._command(line.decode("utf-8", "replace"))

    def _command(self, line: str) -> None:
        verb = line[:4].upper()
        if verb == "EHLO":
            self.transport.write(b"250-bench-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
        elif verb in ("HELO", "NOOP"):
            self.transport.write(b"250 OK\r\n")
        elif verb == "MAIL":
            self.recipients = []
            self.transport.write(b"250 OK\r\n")
        elif verb == "RCPT":
            address = line.partition(":")[2].strip().split(" ", 1)[0].strip("<>")
            self.recipients.append(address.lower())
            self.transport.write(b"250 OK\r\n")
        elif verb == "DATA":
            if not self.recipients:
                self.transport.write(b"503 5.5.1 RCPT first\r\n")
                return
            self.in_data = True
            self.transport.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == "RSET":
            self.recipients = []
            self.transport.write(b"250 OK\r\n")
        elif verb == "QUIT":
            self.transport.write(b"221 Bye\r\n")
            self.transport.close()
        else:
            self.transport.write(b"500 5.5.2 Unknown command\r\n")


def _light_server(sink: LightSink) -> tuple[int, threading.Thread]:
    """Serve ``sink`` on a free port of 127.0.0.1 from a thread; returns the port."""
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(lambda: _Session(sink), "127.0.0.1", 0))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    return server.sockets[0].getsockname()[1], thread


def _serve_sink(pipe, kind: str) -> None:
    sys.path.insert(0, str(ROOT))
    if kind == "light":
        sink = LightSink()
        port, _ = _light_server(sink)
        _answer(pipe, sink, port)
        return
    import logging

    # aiosmtpd logs every SMTP command at DEBUG: at 10,000 sessions, most of the sink's CPU.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from tests.smtp import MailSink, smtp_server

    mail_sink = MailSink(keep_content=False)
    with smtp_server(mail_sink) as (_, port):
        _answer(pipe, mail_sink, port)


def _answer(pipe, sink, port: int) -> None:
    pipe.send(port)
    lock = getattr(sink, "lock", None) or threading.Lock()
    while (request := pipe.recv()) != "stop":
        with lock:
            if request == "counts":
                # time.monotonic() is CLOCK_MONOTONIC: one clock for every process of the machine.
                answer = (sink.accepted, sink.last_accepted_at, time.process_time())
            else:
                answer = Counter(sink.by_recipient)
        pipe.send(answer)
