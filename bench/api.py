"""Logging a feed through the REST API over HTTP, beside the feed form, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres DEBUG=1 .venv/bin/python bench/api.py

Seeds a mother with `seed_demo --days 7` and one with `--days 730` (unique addresses, deleted
at the end), makes each an API token, and starts gunicorn (2 sync workers, DEBUG off, the
throttles raised out of the way) on this checkout. Then, taking turns for ``--rounds``:
4 client processes POST new two-second feeds of today as JSON to /api/v1/feeds/ with her
token (``Idempotency-Key`` on each, as the offline app sends them), and 4 post the feed form
with her session (``bench/write_load.py``), each for ``--seconds``. Prints feeds saved per
second, the API's median and p95 latency as the clients saw them, and the SQL queries of one
API request in process at both sizes, with the load average. Targets (issue 14): at least 4x
the form's rate, p95 under 50 ms on a quiet machine, the same query count at both sizes.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from io import StringIO
from pathlib import Path

from write_cases import feed_form, free_seconds
from write_load import SERVER_ENV, hammer, run_clients, session_cookie, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["SECRET_KEY"] = SERVER_ENV["SECRET_KEY"]  # the server reads the sessions made here
os.environ["API_THROTTLE_USER"] = os.environ["API_THROTTLE_TOKEN"] = "1000000/minute"  # noqa: S105
SIZES = {7: "1 week", 730: "2 years"}


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _client(port: int, token: str, bodies: list[str], seconds: float, results) -> None:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    saved, refused, latencies, why = 0, 0, [], ""
    started = time.monotonic()
    for body in bodies:
        if time.monotonic() >= started + seconds:
            break
        sent = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/v1/feeds/", body, {**headers, "Idempotency-Key": uuid.uuid4().hex})
        response = connection.getresponse()
        answer = response.read()
        connection.close()
        latencies.append(time.monotonic() - sent)
        if response.status == 201:
            saved += 1
        else:
            refused += 1
            why = why or f"{response.status} {answer[:200]!r}"
    results.put((saved, refused, why, started, time.monotonic(), latencies))


def api_hammer(*, port: int, token: str, bodies: list[str], clients: int, seconds: float) -> dict:
    args = [(port, token, bodies[n::clients], seconds) for n in range(clients)]
    totals, elapsed = run_clients(_client, clients, args)
    saved = sum(t[0] for t in totals)
    if saved == len(bodies):
        raise SystemExit("The clients ran out of feeds to post: give them more free times.")
    latencies = sorted(ms for t in totals for ms in t[5])
    return {
        "rate": saved / elapsed,
        "refused": sum(t[1] for t in totals),
        "why": next((t[2] for t in totals if t[2]), ""),
        "p50": 1000 * statistics.median(latencies),
        "p95": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


def api_queries(mother, token: str, start) -> int:
    """The SQL queries of one POST /api/v1/feeds/ in process (Django's test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    body = json_feed(mother.infants.get(), mother.zone, start)
    with CaptureQueriesContext(connection) as queries:
        response = Client().post(
            "/api/v1/feeds/",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            HTTP_HOST="127.0.0.1",
        )
    assert response.status_code == 201, response.content[:300]
    return len(queries)


def json_feed(infant, zone, start) -> str:
    """A two-second breastfeed from local ``start`` (naive), with its offset, as JSON."""
    begin = start.replace(tzinfo=zone)
    end = begin.fromtimestamp(begin.timestamp() + 2, zone)
    return json.dumps(
        {
            "infant": infant.pk,
            "started_at": begin.isoformat(),
            "ended_at": end.isoformat(),
            "start_side": "left",
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8, help="Length of one HTTP turn (8 s).")
    parser.add_argument("--rounds", type=int, default=2, help="Turns of form then API (2).")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8711)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from tracker.models import ApiToken, FeedingSession, Regimen

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']!r}; load {load()}")
    call_command("migrate", verbosity=0, interactive=False)
    run = uuid.uuid4().hex[:8]
    mothers = {}
    for days in SIZES:
        email = f"bench-api-{run}-{days}@example.org"
        call_command("seed_demo", days=days, email=email, tz="Europe/Rome", seed=1, stdout=StringIO())
        mothers[days] = User.objects.get(email=email)
    tokens = {days: ApiToken.issue(owner=mother, name="bench")[1] for days, mother in mothers.items()}
    log = Path(tempfile.mkdtemp(prefix="bench-api-")) / "gunicorn.log"
    server = start_server(ROOT, args.port, args.workers, log)
    queries, rates, latencies, loads = {}, {}, {}, []
    try:
        for days, mother in mothers.items():
            infant = mother.infants.get()
            seeded = FeedingSession.objects.order_by("-pk").values_list("pk", flat=True).first()
            starts = free_seconds(mother.zone, timezone.now())
            queries[days] = [api_queries(mother, tokens[days], starts[n]) for n in (-1, -2)][-1]
            FeedingSession.objects.filter(infant=infant, pk__gt=seeded).delete()
            forms = [feed_form(infant, start) for start in starts]
            bodies = [json_feed(infant, mother.zone, start) for start in starts]
            cookie = session_cookie(mother)
            for _ in range(args.rounds):
                form = hammer(
                    port=args.port, cookie=cookie, forms=forms, clients=args.clients, seconds=args.seconds
                )
                FeedingSession.objects.filter(infant=infant, pk__gt=seeded).delete()
                api = api_hammer(
                    port=args.port,
                    token=tokens[days],
                    bodies=bodies,
                    clients=args.clients,
                    seconds=args.seconds,
                )
                FeedingSession.objects.filter(infant=infant, pk__gt=seeded).delete()
                loads.append(os.getloadavg()[0])
                rates.setdefault(("form", days), []).append(form["rate"])
                rates.setdefault(("api", days), []).append(api["rate"])
                latencies.setdefault(days, []).append((api["p50"], api["p95"]))
                for label, result in (("form", form), ("api", api)):
                    if result["refused"]:
                        print(f"  {label} {SIZES[days]}: {result['refused']} not saved ({result['why']})")
    finally:
        stop_server(server)
        for mother in mothers.values():
            Regimen.objects.filter(mother=mother).delete()  # products are protected by regimens
            mother.delete()
    return report(queries, rates, latencies, loads)


def report(queries, rates, latencies, loads) -> int:
    print()
    print(
        f"{'history':<10}{'form feeds/s':>14}{'API feeds/s':>13}{'API/form':>10}{'API p50 ms':>12}"
        f"{'API p95 ms':>12}{'API queries':>13}"
    )
    ok = True
    for days, size in SIZES.items():
        form, api = (statistics.median(rates[(label, days)]) for label in ("form", "api"))
        p50 = statistics.median(p for p, _ in latencies[days])
        p95 = statistics.median(p for _, p in latencies[days])
        print(
            f"{size:<10}{form:>14.1f}{api:>13.1f}{api / form:>9.1f}x{p50:>12.1f}{p95:>12.1f}{queries[days]:>13}"
        )
        ok &= api >= 4 * form
    print(f"load average during the HTTP turns (1 min): {min(loads):.2f}-{max(loads):.2f}; now {load()}")
    checks = {
        "API >= 4x the form's rate": ok,
        "API p95 < 50 ms (a quiet machine)": all(p < 50 for lat in latencies.values() for _, p in lat),
        "same queries at 1 week and 2 years": queries[7] == queries[730],
    }
    for name, passed in checks.items():
        print(f"{name}: {'pass' if passed else 'FAIL'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
