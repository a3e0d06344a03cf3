"""Dashboard server time and query count for one week and two years of history.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres DEBUG=1 .venv/bin/python bench/dashboard.py

Seeds one mother with `seed_demo --days 7` and one with `--days 730` (unique
addresses, deleted at the end), then for each range of the page renders
/dashboard/ through Django's in-process test client: 5 warm-up requests, then
50 timed ones. Prints the median and p95 server time and the SQL query count,
and the median of 20 "cold" requests, each after emptying the cache of closed-day
totals (the first view of a day, or the first after a past record changed).
Targets (issue 4): two years under 150 ms median, at most 15 queries, the same
query count for a week and two years, and two years no slower than 2x a week.
"""

import os
import statistics
import sys
import time
import uuid
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

WARM_UP, REQUESTS, COLD_REQUESTS = 5, 50, 20
RANGES = ["7", "30", "all"]


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from tracker.models import Regimen

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    request_finished.disconnect(close_old_connections)  # keep one connection, as a warm server does
    request_started.disconnect(reset_queries)  # so CaptureQueriesContext sees the request's queries
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']!r}")
    call_command("migrate", verbosity=0, interactive=False)
    run = uuid.uuid4().hex[:8]
    mothers = {}
    for days in (7, 730):
        email = f"bench-{run}-{days}@example.org"
        started = time.perf_counter()
        call_command("seed_demo", days=days, email=email, tz="Europe/Rome", seed=1, stdout=StringIO())
        print(f"seeded {days} days in {time.perf_counter() - started:.1f} s")
        mothers[days] = User.objects.get(email=email)

    results = {}
    try:
        for range_key in RANGES:
            for days, mother in mothers.items():
                client = Client()
                client.force_login(mother)
                url = f"/dashboard/?range={range_key}"
                for _ in range(WARM_UP):
                    assert client.get(url).status_code == 200
                with CaptureQueriesContext(connection) as queries:
                    client.get(url)
                query_count = len(queries.captured_queries)
                timings = []
                for _ in range(REQUESTS):
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200
                timings.sort()
                cold = []  # the first view of the day, or the first after a past record changed
                for _ in range(COLD_REQUESTS):
                    cache.clear()
                    started = time.perf_counter()
                    client.get(url)
                    cold.append((time.perf_counter() - started) * 1000)
                results[(range_key, days)] = (
                    statistics.median(timings),
                    timings[int(len(timings) * 0.95) - 1],
                    query_count,
                    statistics.median(cold),
                )
    finally:
        for mother in mothers.values():
            Regimen.objects.filter(mother=mother).delete()  # products are protected by regimens
            mother.delete()

    print()
    print(f"{'range':>6} {'history':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'cold ms':>8}")
    ok = True
    for range_key in RANGES:
        week, years = results[(range_key, 7)], results[(range_key, 730)]
        for label, (median, p95, count, cold) in (("1 week", week), ("2 years", years)):
            print(f"{range_key:>6} {label:>8} {median:>10.1f} {p95:>8.1f} {count:>8} {cold:>8.1f}")
        checks = {
            "2 years < 150 ms median": years[0] < 150,
            "<= 15 queries": max(week[2], years[2]) <= 15,
            "same query count": week[2] == years[2],
            "2 years <= 2x 1 week": years[0] <= 2 * week[0],
        }
        for name, passed in checks.items():
            ok &= passed
            print(f"{'':>6} {name}: {'pass' if passed else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
