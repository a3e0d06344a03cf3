"""The words of reminder emails, with each template rendered once per batch.

The three templates (subject, plain text, HTML) differ between the reminders of a batch only
in plain values (her name, the product, the slot, the links) and in two choices: a first
reminder or a follow-up, a snooze link or none. So ``ReminderTexts`` renders each template
once per choice, with a marker in place of each value, and each email fills its values in:
one pass of a regular expression per part instead of a template render (together about
0.17 ms of CPU per email).

The templates may therefore use only the plain variables of ``VALUES`` and the two choices
``is_follow_up`` and ``snooze_url`` (as a condition); ``tests/test_reminders_texts.py``
checks that what is filled in equals what rendering each email whole gives.
"""

import functools
import html
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import get_language

from tracker.emails import one_line

TEMPLATES = {
    "subject": "tracker/reminders/email_subject.txt",
    "text": "tracker/reminders/email.txt",
    "html": "tracker/reminders/email.html",
}
#: The values a reminder template may print. Each is a string.
VALUES = (
    "short_name",
    "product",
    "product_name",
    "slot_time",
    "slot_day",
    "took_url",
    "skip_url",
    "snooze_url",
    "unsubscribe_url",
    "settings_url",
)
# A control character: no template holds one, and no value can (names are one line).
_MARK = "\x1a"
_MARKED = re.compile(f"{_MARK}([a-z_]+){_MARK}")


@dataclass(frozen=True)
class ReminderWords:
    subject: str
    text: str
    html: str


def reminder_values(reminder, *, links: dict[str, str], settings_url: str) -> dict[str, str]:
    """The values of ``VALUES`` for ``reminder`` (with its regimen's mother and product
    loaded); ``links`` maps took/skip/snooze/unsubscribe to their URLs ("" for no snooze)."""
    regimen = reminder.regimen
    return {
        "short_name": regimen.mother.get_short_name(),
        "product": str(regimen.product),
        "product_name": regimen.product.name,
        "slot_time": reminder.slot_time.strftime("%H:%M"),
        "slot_day": _slot_day(reminder.slot_date, get_language()),
        "took_url": links["took"],
        "skip_url": links["skip"],
        "snooze_url": links["snooze"],
        "unsubscribe_url": links["unsubscribe"],
        "settings_url": settings_url,
    }


@functools.lru_cache(maxsize=64)
def _slot_day(day, language: str | None) -> str:
    """The day as the email names it, in the active language (a batch's reminders share a
    few days: formatting it took a tenth of the CPU of an email)."""
    return date_format(day, "l j F")


def render_whole(values: dict[str, str], *, is_follow_up: bool) -> ReminderWords:
    """Each template rendered with this email's values: what ``ReminderTexts`` must equal."""
    words = _render({**values, "is_follow_up": is_follow_up})
    return ReminderWords(subject=one_line(words.subject), text=words.text, html=words.html)


class ReminderTexts:
    """The words of a batch's emails; keep one per batch (it holds at most four renders)."""

    def __init__(self):
        self._marked: dict[tuple[bool, bool], ReminderWords] = {}

    def words(self, values: dict[str, str], *, is_follow_up: bool) -> ReminderWords:
        choice = (is_follow_up, bool(values["snooze_url"]))
        if choice not in self._marked:
            markers = {name: f"{_MARK}{name}{_MARK}" for name in VALUES}
            # A marker stands for the snooze link only when there is one: "" must stay false.
            markers["snooze_url"] = markers["snooze_url"] if choice[1] else ""
            self._marked[choice] = _render({**markers, "is_follow_up": is_follow_up})
        marked = self._marked[choice]
        # django.utils.html.escape is html.escape marked safe; the marking is not needed here.
        escaped = {name: html.escape(value) for name, value in values.items()}
        return ReminderWords(
            subject=one_line(_fill(marked.subject, values)),
            text=_fill(marked.text, values),
            html=_fill(marked.html, escaped),
        )


def _render(context: dict) -> ReminderWords:
    """The three parts as rendered (the subject not yet made one line: that would take the
    markers' control characters for line breaks)."""
    return ReminderWords(**{part: render_to_string(name, context) for part, name in TEMPLATES.items()})


def _fill(marked: str, values: dict[str, str]) -> str:
    return _MARKED.sub(lambda match: values[match[1]], marked)
