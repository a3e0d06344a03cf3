from datetime import timedelta

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def split(value: str) -> list[str]:
    return value.split()


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
