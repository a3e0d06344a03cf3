"""What the history tests share: the fixed time, reading a page, and the data a form posts.

Anna lives in Rome (CET, UTC+1 in November). The clock (the ``history_clock`` fixture in
conftest.py) is fixed at 10:00 her time on Monday 16 November 2026.
"""

import html
import re
from datetime import UTC, datetime, timedelta

import time_machine
from django.utils.html import strip_tags

from tracker.models import FeedingSession, SymptomEntry

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def text(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def rows(response) -> list[str]:
    found = re.findall(r'data-testid="history-row">(.*?)</li>', response.content.decode(), re.S)
    return [" ".join(html.unescape(strip_tags(row)).split()) for row in found]


def utc(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def in_zone(mother, zone: str):
    mother.time_zone = zone
    mother.save(update_fields=["time_zone"])


def feed_data(**overrides) -> dict:
    data = {
        "started_at": "2026-11-16T08:00",
        "ended_at": "2026-11-16T08:25",
        "method": "breast",
        "start_side": "left",
        "minutes_left": "15",
        "minutes_right": "10",
        "switches": "1",
        "bottle_ml": "",
        "notes": "",
    }
    return data | overrides


def form_errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def form_values(page: str) -> dict[str, str]:
    """What the browser would post back from an edit page left as it is."""
    values = dict(
        re.findall(r'<input type="(?:text|number|datetime-local)" name="(\w+)" value="([^"]*)"', page)
    )
    values |= dict(re.findall(r'<input type="radio" name="(\w+)" value="([^"]*)"[^>]*checked', page))
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        values[name] = chosen.group(1) if chosen else ""
    values |= dict(re.findall(r'<textarea name="(\w+)"[^>]*>\s*(.*?)</textarea>', page, re.S))
    return values


def timed_on_today(client, infant, kind: str, start_second: int, stop_second: int):
    """A feed or a crying spell started and stopped with Today's buttons, within one minute."""
    started, model = ("feed", FeedingSession) if kind == "feed" else ("crying", SymptomEntry)
    with time_machine.travel(NOW + timedelta(seconds=start_second), tick=False):
        client.post(f"/today/{started}/start/", {"infant": infant.pk, "side": "left"})
    record = model.objects.get()
    with time_machine.travel(NOW + timedelta(seconds=stop_second), tick=False):
        client.post(f"/today/{started}/{record.pk}/stop/")
    return record
