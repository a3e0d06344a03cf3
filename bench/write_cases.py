"""The writes `bench/writes.py` times: each one POST of the Today page or the feed form.

Run in a process of its own, from either checkout (the old commit's worktree or this one),
so it only uses what both commits have: the URLs, the models and the test client.

    python bench/write_cases.py --code DIR --emails A,B --repeat 30

prints one JSON object: for each mother and write, the SQL query count of one request
and the server times (ms) of ``--repeat`` requests, each after an untimed reset, so every
write is timed on the same rows (a new feed on a free time of today, a dose on an open
slot, a spit-up that is not a repeat tap...).
"""

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path


def free_seconds(zone, now: datetime, count: int | None = None) -> list[datetime]:
    """Local wall-clock starts, 4 seconds apart, of two-second feeds today: from her midnight
    to 15 minutes before ``now`` (the timer writes use the last minutes); ``count`` of them,
    or as many as fit."""
    local = now.astimezone(zone).replace(tzinfo=None)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    fit = int((local - timedelta(minutes=15) - midnight).total_seconds() // 4)
    if fit < (count or 1000):
        raise SystemExit("Too early in her day for the bench: run it after 01:30 in Europe/Rome.")
    return [midnight + timedelta(seconds=4 * n) for n in range(count or fit)]


def feed_form(infant, start: datetime) -> dict:
    """The feed form as she fills it for a two-second breastfeed from ``start`` (local)."""
    return {
        "infant": infant.pk,
        "started_at": stamp(start),
        "ended_at": stamp(start + timedelta(seconds=2)),
        "method": "breast",
        "start_side": "left",
        "minutes_left": "0",
        "minutes_right": "0",
        "switches": "0",
    }


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def cases(mother, infant, regimen, now):
    """(name, prepare, reset): ``prepare()`` gives (url, data) for one POST, ``reset()``
    puts back the rows as they were before it (untimed)."""
    from tracker.models import DailyCheck, DoseLog, FeedingSession, SymptomEntry

    today = now.astimezone(mother.zone).date()
    feed_starts = iter(free_seconds(mother.zone, now, 2000))

    def feed_typed_in():
        return "/history/feeds/add/", feed_form(infant, next(feed_starts))

    def running_feed():
        moment = now - timedelta(minutes=5)
        return FeedingSession.objects.create(
            infant=infant, started_at=moment, start_side="left", current_side="left", side_started_at=moment
        )

    def running_crying():
        return SymptomEntry.objects.create(
            infant=infant, kind="crying", occurred_at=now - timedelta(minutes=5)
        )

    seeded_feed = FeedingSession.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    seeded_symptom = SymptomEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def no_feed_today():
        FeedingSession.objects.filter(infant=infant, pk__gt=seeded_feed).delete()

    def no_symptom_today():
        SymptomEntry.objects.filter(infant=infant, pk__gt=seeded_symptom).delete()

    return [
        ("feed form", feed_typed_in, no_feed_today),
        ("feed start", lambda: ("/today/feed/start/", {"infant": infant.pk, "side": "left"}), no_feed_today),
        ("feed switch", lambda: (f"/today/feed/{running_feed().pk}/switch/", {}), no_feed_today),
        ("feed stop", lambda: (f"/today/feed/{running_feed().pk}/stop/", {}), no_feed_today),
        (
            "dose taken now",
            lambda: ("/today/dose/", {"regimen": regimen.pk}),
            lambda: DoseLog.objects.filter(regimen=regimen, slot_date=today).delete(),
        ),
        (
            "dose slot",
            lambda: ("/today/dose/slot/", {"regimen": regimen.pk, "slot_time": "08:00", "status": "taken"}),
            lambda: DoseLog.objects.filter(regimen=regimen, slot_date=today).delete(),
        ),
        (
            "spit-up",
            lambda: ("/today/symptom/", {"infant": infant.pk, "kind": "regurgitation", "size": "small"}),
            no_symptom_today,
        ),
        ("crying start", lambda: ("/today/crying/start/", {"infant": infant.pk}), no_symptom_today),
        ("crying stop", lambda: (f"/today/crying/{running_crying().pk}/stop/", {}), no_symptom_today),
        (
            "daily check",
            lambda: ("/today/check/", {"infant": infant.pk, "other_than_breast_milk": "false"}),
            lambda: DailyCheck.objects.filter(infant=infant, day=today).delete(),
        ),
    ]


def measure(emails: list[str], repeat: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib import messages
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    request_finished.disconnect(close_old_connections)  # one connection, as a warm server keeps
    request_started.disconnect(reset_queries)  # so CaptureQueriesContext sees the whole request
    families = []
    for email in emails:
        mother = User.objects.get(email=email)
        client = Client()
        client.force_login(mother)
        client.get("/")  # the session and the connection are warm
        families.append(
            (email, client, cases(mother, mother.infants.get(), mother.regimens.get(), timezone.now()))
        )
    results = {}
    for index in range(len(families[0][2])):
        for _, _, writes in families:
            writes[index][2]()  # reset
        for n in range(repeat + 3):  # three warm-up requests
            for email, client, writes in families:  # the sizes take turns, so both see the same load
                name, prepare, reset = writes[index]
                url, data = prepare()
                reset_queries()  # the log keeps 9,000 queries at most: a full one captures nothing
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.post(url, data)
                    elapsed = (time.perf_counter() - started) * 1000
                errors = [str(m) for m in messages.get_messages(response.wsgi_request) if m.level >= 40]
                client.cookies.pop("messages", None)  # as if Today showed them: none pile up
                result = results.setdefault(f"{email}|{name}", {"queries": None, "times": [], "refused": []})
                if response.status_code != 302 or errors:
                    result["refused"].append(f"{response.status_code} {errors}")
                if n >= 3:
                    result["times"].append(elapsed)
                    result["queries"] = len(captured.captured_queries)
                reset()
    for _ in range(repeat):
        for email, client, _ in families:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                client.get("/")
                elapsed = (time.perf_counter() - started) * 1000
            result = results.setdefault(f"{email}|today page (GET)", {"times": [], "refused": []})
            result["times"].append(elapsed)
            result["queries"] = len(captured.captured_queries)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", required=True, help="The checkout whose code runs the writes.")
    parser.add_argument("--emails", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    code = Path(args.code).resolve()
    sys.path.insert(0, str(code))
    os.chdir(code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    print(json.dumps(measure(args.emails.split(","), args.repeat)))


if __name__ == "__main__":
    main()
