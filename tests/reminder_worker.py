"""A real Celery worker for the reminder tests, on a queue of its own, and mothers with a dose due.

Loaded as a pytest plugin by ``tests/conftest.py``: the fixtures ``reminder_queue``,
``task_runs`` and ``reminder_worker``; the helpers are imported by the tests that use them.
"""

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.contrib.auth.hashers import make_password
from django.db import connections

from accounts.models import User
from config.celery import app as celery_app
from tests.factories import PASSWORD, RegimenFactory
from tracker.models import Regimen, SupplementProduct

SEND_TASK = "tracker.tasks.send_reminder"
BATCH_TASK = "tracker.tasks.send_reminder_batch"
ACTION_LINK = re.compile(r"https?://[^\s\"<>]+/r/(took|skip|snooze)/([^/\s\"<>]+)/")
#: Generous bounds for a loaded CI machine; the polling loops return as soon as it is done.
WORKER_TIMEOUT = 60


# --- a worker on a queue of its own ---------------------------------------------------------


@dataclass(frozen=True)
class TaskRun:
    name: str
    args: tuple
    state: str
    retval: object


class TaskRuns:
    """Every task the embedded worker finished (retries included), for bounded waits."""

    def __init__(self) -> None:
        self.runs: list[TaskRun] = []
        self._changed = threading.Condition()

    def record(self, *, task=None, args=None, state=None, retval=None, **_) -> None:
        with self._changed:
            self.runs.append(TaskRun(task.name, tuple(args or ()), state, retval))
            self._changed.notify_all()

    def of(self, name: str) -> list[TaskRun]:
        with self._changed:
            return [run for run in self.runs if run.name == name]

    def wait_for(self, condition: Callable[[list[TaskRun]], bool], timeout: float = WORKER_TIMEOUT) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self.runs):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True


def sends_ending(outcome: str, count: int = 1) -> Callable[[list[TaskRun]], bool]:
    """Sends that ended with ``outcome``: single sends, and the sends of batch tasks."""

    def done(runs: list[TaskRun]) -> bool:
        single = sum(run.name == SEND_TASK and run.retval == outcome for run in runs)
        batched = sum(
            run.retval.get(outcome, 0)
            for run in runs
            if run.name == BATCH_TASK and isinstance(run.retval, dict)
        )
        return single + batched >= count

    return done


@pytest.fixture
def reminder_queue() -> Iterator[str]:
    """Route every tracker task to a fresh queue; delete the queue afterwards."""
    name = f"test-reminders-{uuid.uuid4().hex}"
    routes = celery_app.conf.task_routes
    # update(), not attribute assignment: only update() makes the app rebuild its router.
    celery_app.conf.update(task_routes={"tracker.tasks.*": {"queue": name}})
    try:
        yield name
    finally:
        celery_app.conf.update(task_routes=routes)
        with celery_app.connection_for_write() as conn:
            queue = celery_app.amqp.queues[name](conn.default_channel)
            queue.declare()
            # Drop what a stopped worker handed back (a retry still waiting), then the queue.
            queue.purge()
            queue.delete()


@pytest.fixture
def task_runs() -> Iterator[TaskRuns]:
    runs = TaskRuns()

    def finished(**kwargs) -> None:
        runs.record(**kwargs)
        # The worker thread's connection would outlive the test and keep PostgreSQL
        # from dropping the test database; it reconnects for the next task.
        connections.close_all()

    task_postrun.connect(finished, weak=False)
    try:
        yield runs
    finally:
        task_postrun.disconnect(finished)


@pytest.fixture
def reminder_worker(transactional_db, reminder_queue, task_runs):
    """A real worker consuming the test's queue from the configured broker."""
    with celery_app.connection_for_write() as conn:
        # Fails (never skips) when the configured broker, e.g. Redis in CI, is down.
        conn.ensure_connection(max_retries=2, interval_start=0.2, interval_step=0.2)
    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        queues=[reminder_queue],
        shutdown_timeout=30,
    ) as worker:
        yield worker


# --- mothers with a dose due ----------------------------------------------------------------


def regimen_due_at(mother: User, moment: datetime, product_name: str = "BioGaia Protectis") -> Regimen:
    """A regimen with one daily dose at the wall-clock minute ``moment`` shows in her zone."""
    local = moment.astimezone(mother.zone)
    return RegimenFactory(
        mother=mother,
        product__name=product_name,
        dose_times=[f"{local:%H:%M}"],
        start_date=local.date() - timedelta(days=1),
    )


ZONES = ["Europe/Rome", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC"]


def mothers_due_at(count: int, moment: datetime) -> list[User]:
    """``count`` mothers across several zones, each with a dose due at ``moment`` (her local
    time) and one 12 hours away. Bulk inserts: the password is hashed once."""
    password = make_password(PASSWORD)
    mothers = User.objects.bulk_create(
        User(
            email=f"mother{n:04d}@example.org",
            display_name=f"Mother {n}",
            time_zone=ZONES[n % len(ZONES)],
            role=User.Role.MOTHER,
            password=password,
        )
        for n in range(count)
    )
    products = SupplementProduct.objects.bulk_create(
        SupplementProduct(mother=mother, name="Lactobacillus reuteri drops") for mother in mothers
    )
    regimens = []
    for mother, product in zip(mothers, products, strict=True):
        local = moment.astimezone(mother.zone)
        times = sorted([f"{local:%H:%M}", f"{local + timedelta(hours=12):%H:%M}"])
        regimens.append(
            Regimen(
                mother=mother,
                product=product,
                preset=Regimen.Preset.CUSTOM,
                doses_per_day=2,
                dose_times=times,
                start_date=local.date() - timedelta(days=7),
            )
        )
    Regimen.objects.bulk_create(regimens)
    return mothers


def run_at_once(workers: int, target: Callable[[int], None], timeout: float = 300) -> None:
    """Start ``target(i)`` in ``workers`` threads released by one barrier; re-raise any error."""
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            target(index)
        except BaseException as error:  # handed to the test thread, re-raised there
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), f"a dispatcher still runs after {timeout} s"
    if errors:
        raise errors[0]


def action_links(text: str) -> dict[str, str]:
    links = {match.group(1): match.group(0) for match in ACTION_LINK.finditer(text)}
    assert len(ACTION_LINK.findall(text)) == len(links), "an action link appears twice"
    return links


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "the confirm page has no form"
    return found.group(1)


@pytest.fixture
def smtp_settings(settings):
    """Point Django's SMTP backend at a local server; retry within seconds."""

    def use(host: str, port: int) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = host, port
        settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
        settings.EMAIL_TIMEOUT = 5

    settings.REMINDER_RETRY_BASE_DELAY = 1  # seconds: Celery's backoff takes whole seconds
    settings.REMINDER_RETRY_MAX_DELAY = 2
    return use
