from datetime import timedelta
from fnmatch import fnmatchcase

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag(takes_context=True)
def menu_item(context, url_name: str, label: str) -> str:
    """A main menu link; the one for the page she is on says so, to the eye and to a screen reader."""
    match = getattr(context.get("request"), "resolver_match", None)
    route = match.route if match else None
    if route is not None and any(fnmatchcase(route, pattern) for pattern in MENU_ROUTES[url_name]):
        link = '<a class="nav-link active" aria-current="page" href="{}">{}</a>'
    else:
        link = '<a class="nav-link" href="{}">{}</a>'
    return format_html('<li class="nav-item">' + link + "</li>", reverse(url_name), label)


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


# As strftime's %a and %b would write them, without its cost on 730 cells.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CALENDAR_LABELS = {
    "taken": "all taken",
    "partial": "partly taken",
    "skipped": "skipped",
    "missed": "missed",
    "future": "to come",
    "open": "today, doses still open",
}


@register.simple_tag
def dose_calendar(adherence, today) -> str:
    """The regimen calendar as one cell per local day, built in Python: a two-year window
    is 730 cells, too many for a template loop (or format_html) on every page view.
    Every piece is ours (a fixed state name and a formatted date), so nothing needs escaping."""
    cells = []
    for day, state in adherence.calendar:
        state = "open" if day == today and adherence.today_is_open else str(state)
        label = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}: {CALENDAR_LABELS[state]}"
        extra = " cal-today" if day == today else ""
        cells.append(
            f'<span role="listitem" class="cal cal-{state}{extra}" title="{label}">'
            f'<span class="visually-hidden">{label}</span></span>'
        )
    return mark_safe("".join(cells))  # noqa: S308 - built only from the fixed strings above
