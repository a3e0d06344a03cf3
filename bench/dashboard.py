"""Dashboard and PDF summary: server time, queries and bytes at one week and two years of history.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres DEBUG=1 .venv/bin/python bench/dashboard.py
    ... bench/dashboard.py --before /path/to/a/worktree/of/the/old/commit   # both, in one run

Seeds one mother with `seed_demo --days 7` and one with `--days 730` (unique addresses,
deleted at the end) and requests /dashboard/ and /exports/summary.pdf through Django's
in-process test client. For each range of the page and each history it prints:

- warm: the median of 30 views after 5 warm-up views, and its SQL query count;
- cold, four ways (medians; the query count of the first):
  - "empty": after emptying the cache (a new web process with each process's own memory,
    the default without CACHE_URL, or a flushed Redis; her settled months are then read from
    the database, ``DayTotalsMonth``; the worst case);
  - "new day": the first view the next morning at 08:00 (time moved on a day each time);
  - "past edit": the first view after a feed of 100 days ago was edited;
- bytes: the page as sent to a browser that accepts gzip, and uncompressed.

and, at two years, the PDF summary warm (median of 10) and cold (empty cache, median of 5), in
wall-clock ms and in CPU ms of the process (less moved by the load of a shared machine).
With --before PATH the same measurements run on the tree at PATH too, alternating the two trees
round by round (machines are shared: figures move with the load, ratios less), and the table
gives both. Targets (issue 13): cold at two years within 1.5x of warm with at most 15 queries,
the two-year page at most 1.3x the bytes of the one-week page, the PDF under 150 ms warm and
300 ms cold.
"""

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from io import StringIO
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
RANGES = ["7", "30", "all"]
WARM_UP, WARM, COLD, PDF_WARM, PDF_COLD = 5, 30, 10, 10, 5


def measure(root: Path) -> dict:
    """Every figure for the tree at ``root``, in this process."""
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    if not (root / "requirements.txt").read_text().count("rl_accel"):
        sys.modules["_rl_accel"] = None  # that tree did not install reportlab's accelerators
    import django

    django.setup()
    from datetime import datetime, timedelta

    import time_machine
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from tracker.models import FeedingSession, Regimen

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    request_finished.disconnect(close_old_connections)  # keep one connection, as a warm server does
    request_started.disconnect(reset_queries)  # so CaptureQueriesContext sees the request's queries
    call_command("migrate", verbosity=0, interactive=False)
    run = uuid.uuid4().hex[:8]
    mothers = {}
    for days in (7, 730):
        email = f"bench-{run}-{days}@example.org"
        call_command("seed_demo", days=days, email=email, tz="Europe/Rome", seed=1, stdout=StringIO())
        mothers[days] = User.objects.get(email=email)

    def timed(client, url, before=None, count=1) -> tuple[float, int, float]:
        """The median ms of ``count`` requests, each after ``before()``, the first's queries, and
        the median CPU ms of this process (the server's work: the client is in-process)."""
        times, cpu, queries = [], [], None
        for _ in range(count):
            if before:
                before()
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.status_code
            queries = len(captured.captured_queries) if queries is None else queries
        return statistics.median(times), queries, statistics.median(cpu)

    results: dict = {}
    try:
        for days, mother in mothers.items():
            client = Client()
            client.force_login(mother)
            for range_key in RANGES:
                url = f"/dashboard/?range={range_key}"
                for _ in range(WARM_UP):
                    client.get(url)
                figures = {
                    "warm": timed(client, url, count=WARM),
                    "empty": timed(client, url, cache.clear, COLD),
                }
                old_feed = FeedingSession.objects.filter(infant__mother=mother).order_by("-started_at")[
                    min(days - 2, 100) * 8
                ]

                def edit_the_past(feed=old_feed, client=client, url=url):
                    client.get(url)  # warm again
                    feed.left_seconds = (feed.left_seconds or 0) + 1
                    feed.save()

                figures["past edit"] = timed(client, url, edit_the_past, COLD)
                start = datetime.now(mother.zone).replace(hour=8, minute=0, second=0, microsecond=0)
                with time_machine.travel(start, tick=True) as traveller:
                    mornings = iter(range(1, COLD + 1))

                    def next_morning(
                        client=client, url=url, start=start, mornings=mornings, traveller=traveller
                    ):
                        client.get(url)  # warm at the day before
                        traveller.move_to(start + timedelta(days=next(mornings)))

                    figures["new day"] = timed(client, url, next_morning, COLD)
                response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
                sent = len(response.content)
                raw = (
                    len(gzip.decompress(response.content))
                    if response.get("Content-Encoding") == "gzip"
                    else sent
                )
                figures["bytes"] = (raw, sent)
                results[f"{range_key}/{days}"] = figures
        client = Client()
        client.force_login(mothers[730])
        for _ in range(2):
            client.get("/exports/summary.pdf")
        results["pdf"] = {
            "warm": timed(client, "/exports/summary.pdf", count=PDF_WARM),
            "empty": timed(client, "/exports/summary.pdf", cache.clear, PDF_COLD),
        }
        results["accelerated_pdf"] = sys.modules.get("_rl_accel") is not None
    finally:
        for mother in mothers.values():
            Regimen.objects.filter(mother=mother).delete()  # products are protected by regimens
            mother.delete()
    return results


def run_tree(root: Path, env: dict) -> dict:
    output = subprocess.run(  # noqa: S603 (this script, on a path given on its command line)
        [sys.executable, str(HERE / "bench" / "dashboard.py"), "--measure", str(root)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def merged(rounds: list[dict]) -> dict:
    """The median of each figure over the rounds."""
    first = rounds[0]
    out: dict = {"accelerated_pdf": first["accelerated_pdf"]}
    for key, figures in first.items():
        if key == "accelerated_pdf":
            continue
        out[key] = {}
        for name, value in figures.items():
            if name == "bytes":
                out[key][name] = value
            else:
                out[key][name] = (
                    statistics.median(r[key][name][0] for r in rounds),
                    value[1],
                    statistics.median(r[key][name][2] for r in rounds),
                )
    return out


def table(trees: dict[str, dict]) -> bool:
    labels = list(trees)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    for label, result in trees.items():
        print(f"{label}: reportlab accelerators {'on' if result['accelerated_pdf'] else 'off'}")
    print()
    header = f"{'range':>5} {'history':>7} {'measure':>10}" + "".join(
        f" {label + ' ms':>12} {'q':>3}" for label in labels
    )
    print(header)
    ok = True
    for range_key in RANGES:
        for days in (7, 730):
            key = f"{range_key}/{days}"
            for name in ("warm", "empty", "new day", "past edit"):
                cells = "".join(
                    f" {trees[tree][key][name][0]:>12.1f} {trees[tree][key][name][1]:>3}" for tree in labels
                )
                print(f"{range_key:>5} {days:>7} {name:>10}{cells}")
            cells = "".join(f" {trees[tree][key]['bytes'][1]:>12} {'':>3}" for tree in labels)
            print(f"{range_key:>5} {days:>7} {'bytes sent':>10}{cells}")
            cells = "".join(f" {trees[tree][key]['bytes'][0]:>12} {'':>3}" for tree in labels)
            print(f"{range_key:>5} {days:>7} {'bytes raw':>10}{cells}")
    for name in ("warm", "empty"):
        cells = "".join(
            f" {trees[tree]['pdf'][name][0]:>12.1f} {trees[tree]['pdf'][name][1]:>3}" for tree in labels
        )
        print(f"{'pdf':>5} {730:>7} {name:>10}{cells}")
        cells = "".join(f" {trees[tree]['pdf'][name][2]:>12.1f} {'':>3}" for tree in labels)
        print(f"{'pdf':>5} {730:>7} {name + ' cpu':>10}{cells}")
    after = trees[labels[-1]]
    print()
    for range_key in RANGES:
        years = after[f"{range_key}/730"]
        week = after[f"{range_key}/7"]
        for name in ("new day", "past edit", "empty"):
            ratio = years[name][0] / years["warm"][0]
            passed = ratio <= 1.5 and years[name][1] <= 15
            ok &= passed or name == "empty"
            cpu_ratio = years[name][2] / years["warm"][2]
            print(
                f"range {range_key}, cold ({name}) / warm at two years: {ratio:.2f}x (CPU {cpu_ratio:.2f}x), "
                f"{years[name][1]} queries: {'pass' if passed else 'FAIL'}"
            )
        ratio = years["bytes"][1] / week["bytes"][1]
        print(
            f"range {range_key}, bytes sent two years / one week: {ratio:.2f}x: {'pass' if ratio <= 1.3 else 'FAIL'}"
        )
        ok &= ratio <= 1.3 or range_key != "7"
    pdf = after["pdf"]
    for name, limit in (("warm", 150), ("empty", 300)):
        passed = pdf[name][0] < limit
        ok &= passed
        print(
            f"pdf {name} at two years under {limit} ms: {pdf[name][0]:.0f} ms "
            f"(CPU {pdf[name][2]:.0f} ms): {'pass' if passed else 'FAIL'}"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="a worktree of the commit to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure.resolve()), default=str))
        return 0
    trees = {"before": args.before.resolve()} if args.before else {}
    trees["after"] = HERE
    rounds: dict[str, list] = {label: [] for label in trees}
    for _ in range(args.rounds):
        for label, root in trees.items():
            rounds[label].append(run_tree(root, dict(os.environ)))
    return 0 if table({label: merged(r) for label, r in rounds.items()}) else 1


if __name__ == "__main__":
    sys.exit(main())
