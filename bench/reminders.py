"""Benchmark: 10,000 mothers with a dose due at the same minute, dispatched through Redis
to one real Celery worker process that delivers to a local SMTP sink.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/reminders.py [--mothers 10000] [--pool prefork threads] [--concurrency 1 2 4] \
        [--sink light|aiosmtpd]

Each run creates its own mothers (addresses unique to the run, several time zones, one
slot at the current minute in each zone), starts a local SMTP sink that counts messages by
recipient (``bench/reminders_sink.py``: by default a small asyncio SMTP server, or the tests'
aiosmtpd one; in a process of its own, so its CPU is neither the worker's nor the
dispatcher's), starts ``celery -A config worker`` as a separate process on a
queue of its own (same database, broker and SMTP port), then runs one dispatcher,
``reminders_dispatch`` with ``on_claimed`` enqueueing ``send_reminder_batch`` tasks of 50
ids (what beat does every minute). It reports the seconds from dispatch start to the last email
received, emails per second, duplicates (recipients with more than one email) and
missed (mothers with none), and the worker's CPU milliseconds per email (its process and
pool, from /proc: the figure to compare, as wall time on a shared machine is noisy), then
deletes everything it created. It applies any missing
migrations to the database first. Not a test: figures go in the notes.
"""

import argparse
import logging
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", f"bench-only-{secrets.token_hex(16)}")

from bench.reminders_sink import SinkProcess  # noqa: E402 (after the path is set)

ZONES = ["Europe/Rome", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC"]
TARGET_SECONDS = 20.0  # issue 12: the last of 10,000 within 20 s of the dispatch, on a quiet machine
TARGET_CPU_MS = 2.0  # issue 12: worker CPU per email


def create_mothers(run: str, count: int, moment, *, zones: list[str] = ZONES, batch_size: int = 2000):
    """``count`` mothers with one daily dose at the wall-clock minute of ``moment`` in each
    one's zone (``zones`` in turn); bulk inserts, one password hash. Returns their addresses.
    ``bench/dispatch.py`` uses it too."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from tracker.models import Regimen, SupplementProduct

    password = make_password(secrets.token_urlsafe(16))
    mothers = User.objects.bulk_create(
        (
            User(
                email=f"bench-{run}-{n:05d}@bench.invalid",
                display_name=f"Bench {n}",
                time_zone=zones[n % len(zones)],
                role=User.Role.MOTHER,
                password=password,
            )
            for n in range(count)
        ),
        batch_size=batch_size,
    )
    products = SupplementProduct.objects.bulk_create(
        (SupplementProduct(mother=mother, name="Bench probiotic") for mother in mothers),
        batch_size=batch_size,
    )
    regimens = []
    for mother, product in zip(mothers, products, strict=True):
        local = moment.astimezone(mother.zone)
        regimens.append(
            Regimen(
                mother=mother,
                product=product,
                preset=Regimen.Preset.CUSTOM,
                doses_per_day=1,
                dose_times=[f"{local:%H:%M}"],
                start_date=local.date() - timedelta(days=1),
            )
        )
    Regimen.objects.bulk_create(regimens, batch_size=batch_size)
    return [mother.email for mother in mothers]


def delete_mothers(run: str) -> None:
    from accounts.models import User
    from tracker.models import DoseReminder, Regimen, SupplementProduct

    prefix = f"bench-{run}-"
    DoseReminder.objects.filter(regimen__mother__email__startswith=prefix).delete()
    Regimen.objects.filter(mother__email__startswith=prefix).delete()
    SupplementProduct.objects.filter(mother__email__startswith=prefix).delete()
    User.objects.filter(email__startswith=prefix).delete()


def start_worker(*, pool: str, concurrency: int, queue: str, node: str, smtp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        # The worker must not keep every query in memory (DEBUG) while it sends 10,000 emails.
        "DEBUG": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(ROOT / ".venv/bin/celery"),
        "-A",
        "config",
        "worker",
        "-P",
        pool,
        f"--concurrency={concurrency}",
        "-Q",
        queue,
        "-n",
        node,
        "--loglevel=WARNING",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
    ]
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-worker-", suffix=".log", delete=False)  # noqa: SIM115
    worker = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    worker.log_path = log.name
    return worker


def wait_until_ready(app, node: str, worker: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited with status {worker.returncode}; see {worker.log_path}")
        if app.control.ping(destination=[node], timeout=0.5):
            return
    raise SystemExit(f"the worker did not answer a ping within {timeout} s; see {worker.log_path}")


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # warm shutdown: the pool's children exit with it
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)  # the group this script started
            worker.wait(10)
    Path(worker.log_path).unlink(missing_ok=True)


def tree_cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU of ``pid`` and its children (the prefork pool), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    user = system = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1] is the parent's pid
            user += int(fields[11]) / tick
            system += int(fields[12]) / tick
    return user, system


def drop_queue(app, queue: str) -> None:
    with app.connection_for_write() as conn:
        bound = app.amqp.queues[queue](conn.default_channel)
        bound.declare()
        bound.purge()
        bound.delete()


def run_once(*, mothers: int, pool: str, concurrency: int, timeout: float, sink_kind: str = "light") -> dict:
    from django.utils import timezone

    from config.celery import app
    from tracker.models import DoseReminder
    from tracker.reminders.dispatch import reminders_dispatch
    from tracker.tasks import send_reminders_later

    run = uuid.uuid4().hex[:8]
    queue = f"bench-reminders-{run}"
    node = f"bench-{run}@%h"
    app.conf.update(task_routes={"tracker.tasks.send_reminder*": {"queue": queue}})
    row: dict = {"pool": pool, "concurrency": concurrency, "mothers": mothers, "sink": sink_kind}
    sink = SinkProcess(sink_kind)
    try:
        port = sink.port
        started = time.monotonic()
        now = timezone.now()
        addresses = create_mothers(run, mothers, now.replace(second=0, microsecond=0))
        row["setup_s"] = time.monotonic() - started

        worker = start_worker(pool=pool, concurrency=concurrency, queue=queue, node=node, smtp_port=port)
        try:
            wait_until_ready(app, node.replace("%h", os.uname().nodename), worker)
            worker_cpu = tree_cpu_seconds(worker.pid)
            own_cpu = time.process_time()
            sink_cpu = sink.counts()[2]
            t0 = time.monotonic()
            marks: dict[str, float] = {}

            def enqueue(ids: list[int]) -> None:
                marks["claimed"] = time.monotonic()
                send_reminders_later(ids)  # what the beat-run task does: one batch task per 50 ids
                marks["enqueued"] = time.monotonic()

            result = reminders_dispatch(now=timezone.now(), on_claimed=enqueue)
            row["claimed"] = len(result.claimed)
            row["dispatch_s"] = marks.get("claimed", t0) - t0
            row["enqueue_s"] = marks.get("enqueued", t0) - marks.get("claimed", t0)

            wanted = set(addresses)
            last_count, last_change = -1, time.monotonic()
            while (accepted := sink.counts()[0]) < len(wanted) and time.monotonic() < t0 + timeout:
                if accepted != last_count:
                    last_count, last_change = accepted, time.monotonic()
                elif time.monotonic() - last_change > 30:
                    break  # nothing arrived for 30 s: report what we have
                time.sleep(0.05)
            user, system = (
                1000 * (after - before) / max(1, accepted)
                for after, before in zip(tree_cpu_seconds(worker.pid), worker_cpu, strict=True)
            )
            row["worker_cpu_ms"], row["worker_system_ms"] = user + system, system
            row["load"] = os.getloadavg()[0]
            row["bench_cpu_ms"] = 1000 * (time.process_time() - own_cpu) / max(1, accepted)
            row["sink_cpu_ms"] = 1000 * (sink.counts()[2] - sink_cpu) / max(1, accepted)
            # Duplicates could still be in flight: give the worker a moment to finish.
            time.sleep(2)
        finally:
            stop_worker(worker)
        received = Counter({a: n for a, n in sink.by_recipient().items() if a in wanted})
        last = sink.counts()[1] or t0
        row["last_email_s"] = last - t0
        row["emails"] = sum(received.values())
        row["per_second"] = row["emails"] / row["last_email_s"] if row["last_email_s"] > 0 else 0.0
        row["duplicates"] = sum(1 for n in received.values() if n > 1)
        row["missed"] = len(wanted) - len(received)
        row["statuses"] = dict(
            Counter(
                DoseReminder.objects.filter(regimen__mother__email__startswith=f"bench-{run}-").values_list(
                    "status", flat=True
                )
            )
        )
    finally:
        sink.stop()
        delete_mothers(run)
        drop_queue(app, queue)
    return row


def print_table(rows: list[dict]) -> None:
    columns = [
        ("pool", "{}"),
        ("concurrency", "{}"),
        ("mothers", "{:,}"),
        ("sink", "{}"),
        ("setup_s", "{:.1f}"),
        ("dispatch_s", "{:.2f}"),
        ("enqueue_s", "{:.2f}"),
        ("last_email_s", "{:.1f}"),
        ("per_second", "{:.0f}"),
        ("emails", "{:,}"),
        ("worker_cpu_ms", "{:.2f}"),
        ("worker_system_ms", "{:.2f}"),
        ("bench_cpu_ms", "{:.1f}"),
        ("sink_cpu_ms", "{:.1f}"),
        ("load", "{:.1f}"),
        ("duplicates", "{}"),
        ("missed", "{}"),
        ("statuses", "{}"),
    ]
    cells = [[name for name, _ in columns]] + [
        [fmt.format(row[name]) for name, fmt in columns] for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for index, line in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print(
        "\nsetup_s: bulk insert of the mothers; dispatch_s: record + settle + claim; enqueue_s: the batch tasks;"
        f"\nlast_email_s: dispatch start to the last email at the sink (target {TARGET_SECONDS:.0f} s);"
        "\nworker_cpu_ms: the worker and its pool per email (user + system; worker_system_ms the system part);"
        "\nbench_cpu_ms: this process (dispatcher, enqueueing); sink_cpu_ms: the SMTP sink's own process;"
        f"\nload: the 1-minute load average when the last email arrived ({os.cpu_count()} CPUs here)."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mothers", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1])
    parser.add_argument("--pool", choices=["prefork", "threads"], nargs="+", default=["prefork"])
    parser.add_argument(
        "--sink",
        choices=["light", "aiosmtpd"],
        default="light",
        help="the SMTP sink: the bench's own small server (default) or the tests' aiosmtpd one",
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="give up on a run after this many seconds"
    )
    options = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the worker is a separate process).")
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        raise SystemExit("Set CELERY_BROKER_URL to a Redis broker.")

    import django

    django.setup()
    # aiosmtpd logs every SMTP command at DEBUG; at 10,000 sessions that is this
    # process's main cost, and it shares two cores with the worker.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    rows = []
    for pool in options.pool:
        for concurrency in options.concurrency:
            row = run_once(
                mothers=options.mothers,
                pool=pool,
                concurrency=concurrency,
                timeout=options.timeout,
                sink_kind=options.sink,
            )
            print(
                f"{pool} x{concurrency}: {row['emails']:,} emails in {row['last_email_s']:.1f} s", flush=True
            )
            rows.append(row)
    print()
    print_table(rows)
    print(
        f"targets: last email within {TARGET_SECONDS:.0f} s (quiet machine), at most {TARGET_CPU_MS} ms of worker CPU per email"
    )
    failed = [
        r
        for r in rows
        if r["duplicates"]
        or r["missed"]
        or r["last_email_s"] > TARGET_SECONDS
        or r["worker_cpu_ms"] > TARGET_CPU_MS
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
