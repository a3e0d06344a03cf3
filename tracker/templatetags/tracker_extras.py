from datetime import timedelta

from django import template

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
def percent_width(value: float | None) -> str:
    """A CSS width for a progress bar, 0-100%."""
    return f"{max(0.0, min(1.0, value or 0.0)) * 100:.1f}%"
