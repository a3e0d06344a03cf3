"""Export times (every CSV, the PDF, the FHIR Bundle, the zip) for two years of one mother, and a 1,000,000-row stream's speed and memory.

    DEBUG=1 .venv/bin/python bench/exports.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres DEBUG=1 .venv/bin/python bench/exports.py

Without DATABASE_URL it runs on a temporary SQLite file (deleted at the end), so
the million rows never touch the dev database; with one, its mothers are
deleted at the end. Seeds one mother with `seed_demo --days 730` and downloads
each export through the view: the first download with an empty cache, then 3
timed (median). Then bulk-inserts 1,000,000 symptom rows for a second mother (15,625 rows doubled 6 times in SQL)
and streams symptoms.csv: rows per second and memory (ru_maxrss growth during
the plain pass; tracemalloc peak at 100,000 rows and at the end in a second
pass, to show it stays flat). Targets: each export under 2 s and memory under 150 MB
whatever the row count (issue 5); on PostgreSQL at least 150,000 rows/s for the million
rows (issue 13: the CSV then comes from ``COPY``, ``tracker/exports/pg_copy.py``).
``--stream-only`` skips the two-year exports.
"""

import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
TEMP_DIR = None
if "DATABASE_URL" not in os.environ:
    TEMP_DIR = tempfile.TemporaryDirectory(prefix="bench-exports-")
    os.environ["DATABASE_URL"] = f"sqlite:///{TEMP_DIR.name}/bench.sqlite3"

TIMED = 3
SEED_ROWS, DOUBLINGS = 15_625, 6  # 15,625 x 2^6 = 1,000,000
EXPORT_TARGET_S, MEMORY_TARGET_MB = 2.0, 150
STREAM_TARGET_ROWS_S = 150_000  # on PostgreSQL
#: Her downloads, by URL name, in the order the table lists them.
DOWNLOADS = (
    "export_archive",
    "export_doses",
    "export_feeds",
    "export_symptoms",
    "export_checks",
    "export_daily",
    "export_weekly",
    "export_dictionary",
    "export_pdf",
    "export_fhir",
)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def consume(client, url: str, on_line=None) -> tuple[int, int]:
    """Download ``url``: (data rows, i.e. lines after a CSV's header; bytes)."""
    response = client.get(url)
    assert response.status_code == 200, url
    lines = size = 0
    for chunk in response.streaming_content if response.streaming else [response.content]:
        lines += chunk.count(b"\n")
        size += len(chunk)
        if on_line is not None:
            on_line(lines)
    response.close()
    return lines - 1, size


def million_symptoms(infant) -> int:
    """1,000,000 spit-up rows for ``infant``: a bulk insert, then the table doubled in SQL."""
    from django.db import connection, transaction

    from tracker.models import SymptomEntry

    at = datetime(2026, 1, 1, tzinfo=UTC)
    SymptomEntry.objects.bulk_create(
        (
            SymptomEntry(infant=infant, kind="regurgitation", size="small", occurred_at=at, notes="=1+1")
            for _ in range(SEED_ROWS)
        ),
        batch_size=5000,
    )
    table = connection.ops.quote_name(SymptomEntry._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(field.column)
        for field in SymptomEntry._meta.concrete_fields
        if not field.primary_key
    )
    infant_column = connection.ops.quote_name(SymptomEntry._meta.get_field("infant").column)
    with transaction.atomic(), connection.cursor() as cursor:
        for _ in range(DOUBLINGS):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} WHERE {infant_column} = %s",  # noqa: S608
                [infant.pk],
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")  # as autovacuum would after a million new rows
    return SymptomEntry.objects.filter(infant=infant).count()


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.core.signals import request_finished
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from tracker.models import Infant, Regimen

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    request_finished.disconnect(close_old_connections)
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']!r}")
    call_command("migrate", verbosity=0, interactive=False)
    run = uuid.uuid4().hex[:8]
    stream_only = "--stream-only" in sys.argv
    emails = {days: f"bench-exports-{run}-{days}@example.org" for days in ((1,) if stream_only else (730, 1))}
    for days, email in emails.items():
        started = time.perf_counter()
        call_command("seed_demo", days=days, email=email, tz="Europe/Rome", seed=1, stdout=StringIO())
        print(f"seeded {days} days in {time.perf_counter() - started:.1f} s")
    mothers = {days: User.objects.get(email=email) for days, email in emails.items()}
    ok = True
    try:
        client = Client()
        client.force_login(mothers[1 if stream_only else 730])
        if not stream_only:
            print(
                f"\n{'export (2 years)':<24} {'rows':>8} {'kB':>7} {'first s':>8} {'median s':>9}"
                f"  target < {EXPORT_TARGET_S:.0f} s"
            )
        for name in () if stream_only else DOWNLOADS:
            url = reverse(name)
            cache.clear()  # the first download reads every day afresh (no closed-day totals cached)
            started = time.perf_counter()
            rows, size = consume(client, url)
            first = time.perf_counter() - started
            rows = rows if url.endswith(".csv") else ""
            timings = []
            for _ in range(TIMED):
                started = time.perf_counter()
                consume(client, url)
                timings.append(time.perf_counter() - started)
            median = statistics.median(timings)
            passed = max(first, median) < EXPORT_TARGET_S
            ok &= passed
            print(
                f"{url:<24} {rows:>8} {size / 1024:>7.0f} {first:>8.3f} {median:>9.3f}  {'pass' if passed else 'FAIL'}"
            )

        infant = Infant.objects.filter(mother=mothers[1]).first()
        started = time.perf_counter()
        inserted = million_symptoms(infant)
        print(f"\ninserted {inserted:,} symptom rows in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(mothers[1])
        url = reverse("export_symptoms")

        rss_before = maxrss_mb()
        started = time.perf_counter()
        rows, _ = consume(client, url)
        elapsed = time.perf_counter() - started
        rss_growth = maxrss_mb() - rss_before

        checkpoints = {}

        def note_peak(lines: int) -> None:
            if lines >= 100_000 and "100k" not in checkpoints:
                checkpoints["100k"] = tracemalloc.get_traced_memory()[1] / 2**20

        tracemalloc.start()
        consume(client, url, on_line=note_peak)
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

        passed = peak_mb < MEMORY_TARGET_MB and rss_growth < MEMORY_TARGET_MB
        ok &= passed
        fast = connection.vendor != "postgresql" or rows / elapsed >= STREAM_TARGET_ROWS_S
        ok &= fast
        print(
            f"streamed {rows:,} rows in {elapsed:.1f} s: {rows / elapsed:,.0f} rows/s"
            + (
                f"  target >= {STREAM_TARGET_ROWS_S:,}: {'pass' if fast else 'FAIL'}"
                if connection.vendor == "postgresql"
                else ""
            )
            + f"  (load {os.getloadavg()[0]:.1f})"
        )
        print(f"ru_maxrss growth during the stream: {rss_growth:.1f} MB (process peak {maxrss_mb():.0f} MB)")
        print(
            f"tracemalloc peak: {checkpoints.get('100k', float('nan')):.1f} MB at 100,000 rows, "
            f"{peak_mb:.1f} MB at {rows:,} rows  target < {MEMORY_TARGET_MB} MB: {'pass' if passed else 'FAIL'}"
        )
    finally:
        if TEMP_DIR is None:
            for mother in mothers.values():
                Regimen.objects.filter(mother=mother).delete()  # products are protected by regimens
                mother.delete()
        else:
            connection.close()
            TEMP_DIR.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
