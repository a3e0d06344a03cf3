"""Writes on Today and the feed form, old commit beside this one: queries, server time, HTTP rate.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres DEBUG=1 .venv/bin/python bench/writes.py

Seeds one mother with `seed_demo --days 7` and one with `--days 730` (unique addresses,
deleted at the end) and checks out the old commit (``--base``, d4190bf: before issue 13)
in a temporary `git worktree`. Then, in the same run and taking turns (old, new, old, new):

- in process (`bench/write_cases.py`, Django's test client): every write of Today and the
  feed form, the SQL queries of one request and the median server time of ``--repeat``
  requests at both sizes (the redirect that follows a write is not requested);
- over HTTP: gunicorn with 2 sync workers per checkout (DEBUG off) and 4 client processes
  posting the feed form (a new two-second feed of today each time) for ``--seconds``,
  feeds saved per second at both sizes, the median of ``--rounds`` turns.

Prints one table with the load average beside it. Targets (issue 13): a feed logged in at
most 6 queries, the same median at two years as at one week (within 10%), and at least 3x
the old form's rate over HTTP.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from io import StringIO
from pathlib import Path

from write_cases import feed_form, free_seconds
from write_load import SERVER_ENV, hammer, session_cookie, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["SECRET_KEY"] = SERVER_ENV["SECRET_KEY"]  # the servers read the sessions made here
SIZES = {7: "1 week", 730: "2 years"}


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def checkout(base: str, into: Path) -> Path:
    """The ``base`` commit in a detached worktree under ``into``, using this checkout's .venv."""
    path = into / "old"
    command = ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), base]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603, S607
    (path / ".venv").symlink_to((ROOT / ".venv").resolve())
    return path


def in_process(code: Path, emails: list[str], repeat: int) -> dict:
    command = [sys.executable, str(ROOT / "bench" / "write_cases.py"), f"--code={code}"]
    command += [f"--emails={','.join(emails)}", f"--repeat={repeat}"]
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    return json.loads(done.stdout.splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="d4190bf", help="The old commit (before issue 13).")
    parser.add_argument("--repeat", type=int, default=30, help="Timed requests per write (30).")
    parser.add_argument("--seconds", type=float, default=8, help="Length of one HTTP turn (8 s).")
    parser.add_argument("--rounds", type=int, default=2, help="Turns of old then new (2).")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8701, help="Old on PORT, new on PORT+1.")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from tracker.models import FeedingSession, Regimen

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']!r}; load {load()}")
    call_command("migrate", verbosity=0, interactive=False)
    run = uuid.uuid4().hex[:8]
    emails = {days: f"bench-writes-{run}-{days}@example.org" for days in SIZES}
    for days, email in emails.items():
        call_command("seed_demo", days=days, email=email, tz="Europe/Rome", seed=1, stdout=StringIO())
    mothers = {days: User.objects.get(email=email) for days, email in emails.items()}
    temp = Path(tempfile.mkdtemp(prefix="bench-writes-"))
    old = checkout(args.base, temp)
    codes = {"old": old, "new": ROOT}
    servers = []
    try:
        samples: dict[tuple, list[float]] = {}
        queries: dict[tuple, int] = {}
        refused: dict[tuple, list] = {}
        for _ in range(args.rounds):
            for label, code in codes.items():
                for key, result in in_process(code, list(emails.values()), args.repeat).items():
                    email, write = key.split("|")
                    days = next(d for d, e in emails.items() if e == email)
                    samples.setdefault((label, write, days), []).extend(result["times"])
                    queries[(label, write, days)] = result["queries"]
                    refused.setdefault((label, write, days), []).extend(result["refused"])
        print(f"in process done; load {load()}")

        for n, (label, code) in enumerate(codes.items()):
            servers.append(start_server(code, args.port + n, args.workers, temp / f"gunicorn-{label}.log"))
        rates: dict[tuple, list[float]] = {}
        loads = []
        for _ in range(args.rounds):
            for n, label in enumerate(codes):  # the floor of any request: no session, one query
                result = hammer(
                    port=args.port + n, cookie="", forms=None, clients=args.clients, seconds=args.seconds
                )
                rates.setdefault((label, "healthz"), []).append(result["rate"])
            for days, mother in mothers.items():
                infant = mother.infants.get()
                forms = [feed_form(infant, start) for start in free_seconds(mother.zone, timezone.now())]
                cookie = session_cookie(mother)
                seeded = FeedingSession.objects.order_by("-pk").values_list("pk", flat=True).first()
                for n, label in enumerate(codes):
                    result = hammer(
                        port=args.port + n,
                        cookie=cookie,
                        forms=forms,
                        clients=args.clients,
                        seconds=args.seconds,
                    )
                    rates.setdefault((label, days), []).append(result["rate"])
                    loads.append(os.getloadavg()[0])
                    if result["refused"]:
                        print(f"  {label} {SIZES[days]}: {result['refused']} not saved ({result['why']})")
                    FeedingSession.objects.filter(infant=infant, pk__gt=seeded).delete()
    finally:
        for server in servers:
            stop_server(server)
        for mother in mothers.values():
            Regimen.objects.filter(mother=mother).delete()  # products are protected by regimens
            mother.delete()
        subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", old], check=False)  # noqa: S603, S607

    return report(samples, queries, refused, rates, loads)


def report(samples, queries, refused, rates, loads) -> int:
    print()
    print(
        f"{'write':<18}{'queries old/new':>16}" + "".join(f"{f'{s} ms old/new':>22}" for s in SIZES.values())
    )
    writes = sorted({write for _, write, _ in samples}, key=lambda w: (w.startswith("today"), w))
    ok = True
    for write in writes:
        counts = "/".join(str(queries[(label, write, 730)]) for label in ("old", "new"))
        cells = ""
        for days in SIZES:
            old, new = (statistics.median(samples[(label, write, days)]) for label in ("old", "new"))
            cells += f"{f'{old:.1f} / {new:.1f}':>22}"
        print(f"{write:<18}{counts:>16}{cells}")
        for key in [(label, write, days) for label in ("old", "new") for days in SIZES]:
            if refused.get(key):
                print(f"  refused {key}: {refused[key][:2]}")
    print()
    print(f"{'over HTTP':<26}{'old req/s':>10}{'new req/s':>10}{'new/old':>9}")
    for key, what in [
        ("healthz", "GET /healthz (the floor)"),
        *[(d, f"feed form, {s}") for d, s in SIZES.items()],
    ]:
        old, new = (statistics.median(rates[(label, key)]) for label in ("old", "new"))
        print(f"{what:<26}{old:>10.1f}{new:>10.1f}{new / old:>8.1f}x")
        ok &= key == "healthz" or new >= 3 * old
    print(f"load average during the HTTP turns (1 min): {min(loads):.2f}-{max(loads):.2f}; now {load()}")
    week, years = (statistics.median(samples[("new", "feed form", days)]) for days in SIZES)
    checks = {
        "feed form <= 6 queries": queries[("new", "feed form", 730)] <= 6,
        "feed form 2 years within 10% of 1 week": years <= 1.1 * week,
        "feed form over HTTP >= 3x old": ok,
    }
    for name, passed in checks.items():
        print(f"{name}: {'pass' if passed else 'FAIL'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
