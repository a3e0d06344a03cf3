"""A baby's symptoms totalled per local day: the one place the dashboard, the daily summary
and the weekly diary count them.

product.md, "What it computes": "A *logging day* for an infant is a day with any symptom
entry or a daily check. Other days are 'no data': drawn as gaps and left out of averages
(never counted as zero)." So a day is in the result only if it is a logging day, and a day
that is absent has no data (it is not a day of zeros).

"Vomiting (forceful) is not regurgitation: it is counted and charted on its own." A spit-up
marked as vomiting counts in ``vomiting`` and not in ``regurgitations``.

Stools are counted in the Brussels Infant and Toddler Stool Scale groups: hard (1-3),
formed (4), loose (5-6) and watery (7).
"""

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from tracker.models import SymptomEntry

Kind = SymptomEntry.Kind
#: Straining for this long before a stool is what the straining flag looks for.
STRAINING_MINUTES = 10
#: The Brussels scale's groups, by the pictures each holds.
BRUSSELS_GROUPS = {"hard": (1, 2, 3), "formed": (4,), "loose": (5, 6), "watery": (7,)}


class SymptomDayTotals(NamedTuple):
    """One infant's symptoms on one of the mother's local days (a logging day)."""

    regurgitations: int  # effortless spit-ups (not vomiting)
    vomiting: int  # spit-ups marked as vomiting (forceful)
    crying_minutes: int  # the sum of the day's spells' minutes (each as History shows it)
    stools: int
    stools_hard: int  # Brussels 1-3
    stools_formed: int  # Brussels 4
    stools_loose: int  # Brussels 5-6
    stools_watery: int  # Brussels 7
    abdominal_pain: int
    strained: bool  # a stool with >= 10 minutes of straining before it
    checked: bool  # a daily check was saved for the day


#: product.md: "A 7-day mean needs at least 4 logging days in its window, else it is not shown."
MIN_LOGGING_DAYS = 4


def mean_over_logging_days(total: int, logging_days: int) -> float | None:
    """A per-day mean over the logging days of a 7-day window (or a week of the diary): None
    with fewer than ``MIN_LOGGING_DAYS``."""
    return total / logging_days if logging_days >= MIN_LOGGING_DAYS else None


#: The counts a day's row shows, in the order the charts and the daily summary give them.
DAY_COUNTS = (
    "regurgitations",
    "vomiting",
    "crying_minutes",
    "stools",
    "stools_hard",
    "stools_formed",
    "stools_loose",
    "stools_watery",
)

NO_SYMPTOMS = SymptomDayTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, False, True)


def symptom_days(
    *, entries: QuerySet[SymptomEntry], checked: Iterable[tuple[int, date]], zone
) -> dict[tuple[int, date], SymptomDayTotals]:
    """Totals per ``(infant_id, local day)`` of ``entries`` and of the daily checks
    ``checked`` (``(infant_id, day)`` pairs), both already filtered to the babies and the
    span wanted, keyed only by logging days.

    An entry belongs to the local day (in ``zone``) on which it occurred, a crying spell to
    the day it started. A saved crying spell that has ended always holds its minutes
    (``ENDED_CRYING_HAS_MINUTES``), so the day's crying is their plain sum; a spell still
    being timed adds nothing yet, but makes the day a logging day. Two queries.
    """
    regurgitation = Q(kind=Kind.REGURGITATION)
    stool = Q(kind=Kind.STOOL)
    groups = {
        f"stools_{name}": Count("pk", filter=stool & Q(stool_consistency__in=pictures))
        for name, pictures in BRUSSELS_GROUPS.items()
    }
    rows = (
        entries.annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .order_by()
        .values("infant_id", "day")
        .annotate(
            regurgitations=Count("pk", filter=regurgitation & Q(is_vomiting=False)),
            vomiting=Count("pk", filter=regurgitation & Q(is_vomiting=True)),
            crying_minutes=Sum("duration_minutes", filter=Q(kind=Kind.CRYING), default=0),
            stools=Count("pk", filter=stool),
            **groups,
            abdominal_pain=Count("pk", filter=Q(kind=Kind.ABDOMINAL_PAIN)),
            strained=Count("pk", filter=stool & Q(straining_minutes__gte=STRAINING_MINUTES)),
        )
    )
    checked = set(checked)
    totals = {
        (row["infant_id"], row["day"]): SymptomDayTotals(
            regurgitations=row["regurgitations"],
            vomiting=row["vomiting"],
            crying_minutes=row["crying_minutes"],
            stools=row["stools"],
            stools_hard=row["stools_hard"],
            stools_formed=row["stools_formed"],
            stools_loose=row["stools_loose"],
            stools_watery=row["stools_watery"],
            abdominal_pain=row["abdominal_pain"],
            strained=row["strained"] > 0,
            checked=(row["infant_id"], row["day"]) in checked,
        )
        for row in rows
    }
    for key in checked - totals.keys():
        totals[key] = NO_SYMPTOMS
    return totals
