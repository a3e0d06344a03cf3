"""Reminders after a crash: a worker killed with SIGKILL mid-batch, a broker that lost its queue.

The dispatcher runs in this process with its clock moved a minute at a time (as beat runs it),
so the lease runs out in simulated time; the workers send in real time. Each test measures how
long after the loss every reminder was delivered: simulated time to the dispatcher run that took
the reminders back, plus the real seconds the sending took.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from tests.conftest import needs_service
from tests.reminder_worker import WORKER_TIMEOUT, mothers_due_at, sends_ending
from tests.smtp import MailSink, smtp_server
from tracker import tasks
from tracker.models import DoseReminder
from tracker.reminders import batches
from tracker.reminders.dispatch import reminders_dispatch

ROOT = Path(__file__).resolve().parent.parent
MOTHERS = 12
BEAT = timedelta(minutes=1)
#: The issue's promise: back within 3 minutes (a lease of 2 plus one dispatcher minute).
RECOVERED_WITHIN = timedelta(minutes=3)


class StallingSink(MailSink):
    """A mail server slow on its first connection: it answers the first ``answered`` messages
    ``delay`` seconds late, then never answers the next one until ``release()``, and refuses
    it then (its sender is gone, so it is not delivered). Later connections are served at once."""

    def __init__(self, *, answered: int, delay: float):
        super().__init__()
        self.answered, self.delay = answered, delay
        self.slow_session = None
        self.slow_answers = 0
        self.stalled = False
        self._released = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.slow_session is None:
            self.slow_session = session
        if session is self.slow_session:
            if self.slow_answers < self.answered:
                self.slow_answers += 1
                await asyncio.sleep(self.delay)
            else:
                with self._changed:
                    self.stalled = True
                    self._changed.notify_all()
                while not self._released.is_set():
                    await asyncio.sleep(0.05)
                return "421 4.3.0 Closing connection"
        return await super().handle_DATA(server, session, envelope)

    def release(self) -> None:
        self._released.set()


def database_url() -> str:
    """The test database, for a worker in another process."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def worker_processes(queue: str, smtp_port: int) -> Iterator:
    """Start ``celery worker`` processes on ``queue`` as in production: a prefork pool (of one
    child), the settings' prefetch. Whatever still runs at the end is stopped."""
    started: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "120",  # the stalled message must not time out before the kill
    }

    def start(name: str) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "prefork",
            "-c",
            "1",
            "-Q",
            queue,
        ]
        command += ["-n", f"{name}-{queue}@%h", "--loglevel=WARNING", "--without-mingle", "--without-gossip"]
        worker = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        forget_unacked(queue)
        for worker in started:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)  # warm shutdown
                try:
                    worker.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)  # the group this test started
                    worker.wait(10)


def forget_unacked(queue: str) -> int:
    """Drop from Redis the messages of ``queue`` a killed worker took and never acknowledged:
    kombu would put them back an hour later (the visibility timeout), into a queue long gone.
    Returns how many were dropped."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return 0
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    dropped = 0
    for tag, raw in client.hgetall("unacked").items():
        if json.loads(raw)[2] == queue:  # [message, exchange, routing key]
            client.pipeline().zrem("unacked_index", tag).hdel("unacked", tag).execute()
            dropped += 1
    return dropped


def in_hand() -> int:
    return DoseReminder.objects.filter(status__in=["queued", "sending"]).count()


def settles_to(count: int, timeout: float = WORKER_TIMEOUT) -> bool:
    """Whether the rows in hand come down to ``count`` (a send is marked just after the 250)."""
    deadline = time.monotonic() + timeout
    while in_hand() != count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def beat_until_taken_back(first_run: datetime, lost_at: datetime, delivered) -> timedelta:
    """Run the dispatcher every simulated minute after ``first_run`` until one takes the lost
    reminders back; wait (in real time) until ``delivered()``; return the delay since
    ``lost_at``: simulated time to that run, plus the real seconds of sending."""
    for minutes in range(1, 6):
        now = first_run + minutes * BEAT
        started = time.monotonic()
        result = reminders_dispatch(now=now, on_claimed=tasks.send_reminders_later)
        if result.requeued:
            assert delivered(), f"taken back at +{minutes} min, not delivered: {in_hand()} still in hand"
            return (now - lost_at) + timedelta(seconds=time.monotonic() - started)
        assert result.claimed == [], "claimed while a lease still held"
    raise AssertionError(f"nothing taken back in 5 dispatcher minutes; {in_hand()} still in hand")


def test_a_worker_killed_mid_batch_delays_its_reminders_by_at_most_3_minutes(
    transactional_db, reminder_queue, monkeypatch
):
    if connection.vendor != "postgresql":
        needs_service("a worker in another process must see the test database: runs on PostgreSQL")
    monkeypatch.setattr(batches, "BATCH_SIZE", 5)  # 12 reminders: batches of 5, 5 and 2
    first_run = timezone.now()
    mothers = mothers_due_at(MOTHERS, first_run)
    sink = StallingSink(answered=2, delay=1.5)
    with smtp_server(sink) as (_, port), worker_processes(reminder_queue, port) as start:
        assert (
            len(reminders_dispatch(now=first_run, on_claimed=tasks.send_reminders_later).claimed) == MOTHERS
        )
        doomed = start("doomed")
        assert sink.wait_for(lambda s: s.stalled, WORKER_TIMEOUT), "the worker never reached the 3rd email"
        os.killpg(
            doomed.pid, signal.SIGKILL
        )  # the worker and its pool, mid-batch: 2 sent, 1 in the server's hands, 2 waiting
        doomed.wait(10)
        killed_at = timezone.now()
        sink.release()

        start("fresh")
        # With a prefetch of 1 the dead worker held only its own batch: the fresh one sends the others.
        assert sink.wait_for(lambda s: s.accepted == 2 + 7, WORKER_TIMEOUT), (
            f"{sink.accepted} accepted: the dead worker held more than the batch it was sending"
        )
        assert settles_to(3), in_hand()  # the dead worker's batch: 2 waiting, 1 stalled in the server

        delay = beat_until_taken_back(
            first_run,
            killed_at,
            lambda: sink.wait_for(lambda s: s.accepted == MOTHERS, WORKER_TIMEOUT) and settles_to(0),
        )

    print(
        f"\nkilled worker: every reminder delivered {delay.total_seconds():.1f} s (simulated) after the kill"
    )
    assert delay <= RECOVERED_WITHIN, delay
    assert sink.by_recipient == {mother.email: 1 for mother in mothers}
    assert in_hand() == 0
    assert DoseReminder.objects.filter(status="sent").count() == MOTHERS


def test_a_broker_that_lost_its_queue_gets_the_reminders_again_after_the_lease(
    transactional_db, reminder_queue, task_runs
):
    first_run = timezone.now()
    mothers = mothers_due_at(MOTHERS, first_run)
    assert len(reminders_dispatch(now=first_run, on_claimed=tasks.send_reminders_later).claimed) == MOTHERS
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2, interval_start=0.2, interval_step=0.2)
        assert celery_app.amqp.queues[reminder_queue](conn.default_channel).purge() == 1  # one batch of 12
    lost_at = timezone.now()
    assert in_hand() == MOTHERS

    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, queues=[reminder_queue], shutdown_timeout=30
    ):
        delay = beat_until_taken_back(
            first_run, lost_at, lambda: task_runs.wait_for(sends_ending("sent", MOTHERS)) and settles_to(0)
        )

    print(
        f"\nemptied queue: every reminder delivered {delay.total_seconds():.1f} s (simulated) after the loss"
    )
    assert delay <= RECOVERED_WITHIN, delay
    assert sorted(address for email in mail.outbox for address in email.to) == sorted(
        m.email for m in mothers
    )
    assert in_hand() == 0
