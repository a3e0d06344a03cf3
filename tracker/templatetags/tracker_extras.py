from datetime import timedelta
from fnmatch import fnmatchcase

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from tracker import undo
from tracker.selectors.history import record_label

register = template.Library()

#: Each menu link, by its URL name, and the routes (shell patterns) of the pages it covers.
#: Pages reached from an item stay under it: editing a feed is History, a baby's page is
#: "Baby & regimen". By route, so a page added under ``history/`` is covered without a change here.
MENU_ROUTES = {
    "today": [""],
    "dashboard": ["dashboard/*"],
    "history_doses": ["history/*"],
    "setup": ["setup/*"],
    "reminder_settings": ["settings/reminders/*"],
    "sharing": ["sharing/", "sharing/<int:pk>/revoke/"],
    "export_index": ["exports/*"],
    "clinician_home": ["clinician/*"],
    "profile": ["accounts/profile/*", "accounts/delete/*", "accounts/password/change/*"],
}


def _is_current(context, url_name: str) -> bool:
    match = getattr(context.get("request"), "resolver_match", None)
    route = match.route if match else None
    return route is not None and any(fnmatchcase(route, pattern) for pattern in MENU_ROUTES[url_name])


@register.simple_tag(takes_context=True)
def menu_item(context, url_name: str, label: str) -> str:
    """A main menu link; the one for the page she is on says so, to the eye and to a screen reader."""
    if _is_current(context, url_name):
        link = '<a class="nav-link active" aria-current="page" href="{}">{}</a>'
    else:
        link = '<a class="nav-link" href="{}">{}</a>'
    return format_html('<li class="nav-item">' + link + "</li>", reverse(url_name), label)


_ICON = '<svg class="bi" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>'
_BOTTOM_CURRENT = mark_safe(' class="bottom-nav-link active" aria-current="page"')  # noqa: S308 - a constant
_BOTTOM_OTHER = mark_safe(' class="bottom-nav-link"')  # noqa: S308 - a constant


@register.simple_tag(takes_context=True)
def bottom_nav_item(context, url_name: str, label: str, icon: str) -> str:
    """A link of the phone's bottom bar: a Bootstrap icon over its word, marked like the menu's."""
    return format_html(
        '<a{} href="{}">' + _ICON + "<span>{}</span></a>",
        _BOTTOM_CURRENT if _is_current(context, url_name) else _BOTTOM_OTHER,
        reverse(url_name),
        static("vendor/bootstrap-icons/icons.svg"),
        icon,
        label,
    )


@register.simple_tag(takes_context=True)
def bottom_nav_more(context, shown: str) -> str:
    """The bottom bar's "More" button, opening the whole menu; it is the current item on a page
    none of the bar's links (``shown``, their URL names) covers."""
    current = not any(_is_current(context, url_name) for url_name in shown.split())
    return format_html(
        '<button{} type="button" data-bs-toggle="offcanvas" data-bs-target="#main-nav"'
        ' aria-controls="main-nav">' + _ICON + "<span>{}</span></button>",
        _BOTTOM_CURRENT if current else _BOTTOM_OTHER,
        static("vendor/bootstrap-icons/icons.svg"),
        "three-dots",
        pgettext("the bottom bar's button that opens the whole menu", "More"),
    )


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def brussels_picture(stool_type: int) -> str:
    """The URL of the drawing of Brussels stool type 1-7 (each file its own hashed name in production)."""
    return static(f"tracker/brussels/{int(stool_type)}.svg")


register.filter("record_label", record_label)


@register.filter
def minutes(seconds: int | None) -> int:
    """Whole minutes, rounded, from a number of seconds."""
    return round((seconds or 0) / 60)


@register.filter
def duration_short(value: timedelta | None) -> str:
    """ "2 h 05 min", "12 min" or "under a minute"."""
    if value is None:
        return ""
    total = int(value.total_seconds()) // 60
    if total < 1:
        return "under a minute"
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


@register.filter
def percent(value: float | None) -> str:
    """0.857 -> "85.7%"; None -> "–" (nothing to measure yet)."""
    if value is None:
        return "–"
    return f"{value * 100:.1f}%"


@register.filter
def percent_fill(value: float | None) -> str:
    """How full a progress bar is, 0-100, for its ``data-fill``: the page may carry no inline
    style (the CSP), so tracker/progress.js turns this into the bar's width."""
    return f"{max(0.0, min(1.0, value or 0.0)) * 100:.1f}"


CALENDAR_LABELS = {
    "taken": "all taken",
    "partial": "partly taken",
    "skipped": "skipped",
    "missed": "missed",
    "future": "to come",
    "open": "today, not counted until each dose is logged or an hour past its time",
}


@register.inclusion_tag("tracker/_dose_calendar.html")
def dose_calendar(adherence, today, first_day=None, last_day=None) -> dict:
    """The regimen calendar, one cell per local day from ``first_day`` to ``last_day`` (both
    inclusive; None: the regimen's first or last day): the day as Django's ``date:"D j M"``
    writes it, its state, and what the state means. The dashboard passes its range, so the
    page does not grow with her history (a two-year regimen is 730 cells on "All" only). The
    names are Django's own (translated with the page); they are looked up once per page, not
    per cell, because the ``date`` filter on each cell costs about ten times the rest."""
    weekdays = [str(WEEKDAYS_ABBR[number]) for number in range(7)]
    months = {number: str(MONTHS_3[number]).title() for number in MONTHS_3}
    cells = []
    for day, state in adherence.calendar:
        if (first_day is not None and day < first_day) or (last_day is not None and day > last_day):
            continue
        state = "open" if day == today and adherence.today_is_open else str(state)
        when = f"{weekdays[day.weekday()]} {day.day} {months[day.month]}"
        cells.append((when, state, CALENDAR_LABELS[state], day == today, day.day))
    # A range of days shows each day's number in its cell: a phone shows no tooltip. "All" (up
    # to two years of cells) keeps them small, their days in the tooltip and for screen readers.
    return {"cells": cells, "numbered": last_day is not None}


@register.filter
def undo_token(message) -> str:
    """The signed Undo token a message carries (a toast after a tap on Today), or ""."""
    return undo.undo_token_of(message)


@register.simple_tag
def undo_shown_ms() -> int:
    """How long the Undo toast stays, in milliseconds (read at each render)."""
    return undo.UNDO_SHOWN_MS
