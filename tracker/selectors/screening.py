"""The screening flags and the vomiting notice, from a baby's symptom totals per local day.

product.md, "What it computes": "Screening flags modelled on Rome IV, labelled 'screening,
not diagnosis: talk to your clinician', each showing the days that triggered it". They
screen, they do not diagnose: each wording says so and sends the mother to her clinician.

Every function here reads ``days``, the baby's totals keyed by logging day
(``tracker.selectors.symptom_days``): a day that is not a key has no data. No flag reads a
day without data as a day of zeros, and none reads it as a day that met its rule either.
"""

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.selectors.symptom_days import MIN_LOGGING_DAYS, SymptomDayTotals

SCREENING = "Screening, not a diagnosis: talk to your clinician."

REGURGITATION_PER_DAY = 2
REGURGITATION_RUN_DAYS = 21
REGURGITATION_FROM_AGE_DAYS = 21
REGURGITATION_UNTIL_MONTHS = 12
CRYING_MINUTES_PER_DAY = 180
CRYING_DAYS_IN_WEEK = 3
CRYING_UNTIL_MONTHS = 5
STOOLS_PER_WEEK_AT_MOST = 2
STOOL_WEEKS = 4
STRAINING_UNTIL_MONTHS = 9
#: The vomiting notice looks at the 7 complete days to yesterday, and today.
VOMITING_NOTICE_DAYS = 7
FREQUENT_SPIT_UP = (
    f"Spit-up (not counting vomiting) 2 or more times a day, every day for 3 weeks or more. {SCREENING}"
)
LONG_CRYING = f"Crying or fussing for 3 hours or more a day, on 3 or more days in a week. {SCREENING}"
FEW_STOOLS = f"2 stools a week or fewer, for 4 weeks in a row. {SCREENING}"
LONG_STRAINING = f"Straining for 10 minutes or more before a stool. {SCREENING}"
NO_FLAG = (
    "None of the four screening flags (frequent spit-up, long crying, few stools, long straining) "
    "was met since the birth."
)
#: product.md's own words, after the days on which vomiting was logged.
VOMITING_NOTICE = "forceful vomiting is a reason to call your clinician."

Days = Mapping[date, SymptomDayTotals]


@dataclass(frozen=True)
class ScreeningFlag:
    """A Rome IV-style screening rule; ``trigger_days`` are the local days that met it."""

    name: str
    triggered: bool
    wording: str
    trigger_days: list[date]


def screening_flags(days: Days, *, life: list[date], birth_day: date) -> list[ScreeningFlag]:
    """The four flags over ``life`` (the local days from the birth day to the last day shown,
    in order), always in the same order."""
    return [
        regurgitation_flag(days, life=life, birth_day=birth_day),
        crying_flag(days, life=life, birth_day=birth_day),
        stool_flag(days, life=life),
        straining_flag(days, life=life, birth_day=birth_day),
    ]


def recent_vomiting(days: Days, *, last_complete_day: date, today: date) -> list[tuple[date, int]]:
    """The days with vomiting from the first of the 7 complete days to ``last_complete_day``
    through ``today``, and how many times.

    product.md: "any vomiting logged in the last 7 days shows a plain 'forceful vomiting is a
    reason to call your clinician' notice". "The last 7 days" of an average are the 7 complete
    days to yesterday (``tracker.selectors.symptom_trends.WeekSummary``), but a safety notice
    must not wait for the day to end either: vomiting logged this morning shows now. So the
    notice covers both, the week the averages print and today (8 days while today is under
    way): no week's "vomiting a day" above 0 is ever printed without it.
    """
    first = last_complete_day - timedelta(days=VOMITING_NOTICE_DAYS - 1)
    return [
        (day, totals.vomiting)
        for day, totals in sorted(days.items())
        if first <= day <= today and totals.vomiting
    ]


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (the month's last day if shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _under_months(birth_day: date, months: int) -> Callable[[date], bool]:
    limit = add_months(birth_day, months)
    return lambda day: day < limit


def regurgitation_flag(days: Days, *, life: list[date], birth_day: date) -> ScreeningFlag:
    """product.md: ">= 2 effortless regurgitations a day on >= 21 consecutive days, in an
    infant aged 3 weeks to 12 months on the day the flag is shown (the run may start before
    3 weeks). Vomiting (forceful) is not regurgitation".

    A run is a stretch of consecutive local days each with 2 or more spit-ups not marked as
    vomiting. A day without records ends a run: it is not a day of spit-up (nor of zero).
    The flag is shown on a day when the run through that day has lasted 21 days or more and
    the baby is 21 days old or more and not yet 12 months (before her first birthday) on
    that day. So 24 days of spit-up from day 6 of life (the birth day is day 0) show it from
    day 26, and 21 days from day 1 show it on day 21 (3 weeks exactly); 21 days from the
    birth day, ending on day 20, do not. ``trigger_days`` are the days of each run that
    showed it, from its first day (before 3 weeks too) up to the last day before 12 months.
    """
    from_age = birth_day + timedelta(days=REGURGITATION_FROM_AGE_DAYS)
    until = add_months(birth_day, REGURGITATION_UNTIL_MONTHS)
    trigger_days: list[date] = []
    run: list[date] = []
    for day in [*life, None]:  # None closes the last run
        totals = days.get(day) if day is not None else None
        if totals is not None and totals.regurgitations >= REGURGITATION_PER_DAY:
            run.append(day)
            continue
        # The run has lasted 21 days on run[20] and on each day after it.
        if any(from_age <= shown < until for shown in run[REGURGITATION_RUN_DAYS - 1 :]):
            trigger_days.extend(d for d in run if d < until)
        run = []
    return ScreeningFlag(
        name="regurgitation",
        triggered=bool(trigger_days),
        wording=FREQUENT_SPIT_UP,
        trigger_days=trigger_days,
    )


def crying_flag(days: Days, *, life: list[date], birth_day: date) -> ScreeningFlag:
    """product.md: "crying/fussing >= 3 h a day on >= 3 of any 7 consecutive days, under 5
    months". A day without records is not a long day; it does not break the 7 days either."""
    young_enough = _under_months(birth_day, CRYING_UNTIL_MONTHS)
    long_days = [
        day
        for day in life
        if young_enough(day) and day in days and days[day].crying_minutes >= CRYING_MINUTES_PER_DAY
    ]
    trigger_days: set[date] = set()
    for i, day in enumerate(long_days):
        # Long days are sorted: the window of 7 days ending on ``day`` holds a run of them.
        in_window = [d for d in long_days[max(0, i - 6) : i + 1] if (day - d).days < 7]
        if len(in_window) >= CRYING_DAYS_IN_WEEK:
            trigger_days.update(in_window)
    return ScreeningFlag(
        name="crying", triggered=bool(trigger_days), wording=LONG_CRYING, trigger_days=sorted(trigger_days)
    )


def stool_flag(days: Days, *, life: list[date]) -> ScreeningFlag:
    """product.md: "<= 2 stools a week for 4 consecutive weeks (28 days) of logging".

    Only weeks that lie wholly between the birth day and the last day count, and a week
    counts only as a week of logging: 4 or more of its days are logging days (a symptom entry
    or a daily check), the same 4 a 7-day mean needs (``MIN_LOGGING_DAYS``). A day without
    records is not a day without stools, so one check in a week does not make the other six
    days count as zero; and a mother who has never logged a stool is not told her baby has few.
    """
    if not any(totals.stools for totals in days.values()):
        return ScreeningFlag(name="few_stools", triggered=False, wording=FEW_STOOLS, trigger_days=[])

    # Prefix sums over the days of life: a week's stools and logging days in O(1).
    stools_upto, logged_upto = [0], [0]
    for day in life:
        totals = days.get(day)
        stools_upto.append(stools_upto[-1] + (totals.stools if totals else 0))
        logged_upto.append(logged_upto[-1] + (totals is not None))

    def quiet_week_ending(i: int) -> bool:
        """Days i-6..i a week of logging with at most 2 stools."""
        if i < 6:
            return False
        stools = stools_upto[i + 1] - stools_upto[i - 6]
        logged = logged_upto[i + 1] - logged_upto[i - 6] >= MIN_LOGGING_DAYS
        return logged and stools <= STOOLS_PER_WEEK_AT_MOST

    span = STOOL_WEEKS * 7
    quiet = [quiet_week_ending(i) for i in range(len(life))]
    trigger_days: set[date] = set()
    for i in range(span - 1, len(life)):
        if all(quiet[i - 7 * k] for k in range(STOOL_WEEKS)):
            trigger_days.update(life[i - span + 1 : i + 1])
    return ScreeningFlag(
        name="few_stools", triggered=bool(trigger_days), wording=FEW_STOOLS, trigger_days=sorted(trigger_days)
    )


def straining_flag(days: Days, *, life: list[date], birth_day: date) -> ScreeningFlag:
    """product.md: "straining >= 10 minutes before a stool, under 9 months" (only a logged
    stool can meet it, so a day without records never does)."""
    young_enough = _under_months(birth_day, STRAINING_UNTIL_MONTHS)
    trigger_days = [day for day in life if day in days and days[day].strained and young_enough(day)]
    return ScreeningFlag(
        name="straining", triggered=bool(trigger_days), wording=LONG_STRAINING, trigger_days=trigger_days
    )
