"""The printable PDF summary: who she is, her regimen and adherence, feeding, symptoms and
screening flags, on one or two A4 pages, for her and for a clinician she lets download it."""

import re
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from tests.factories import (
    CareGrantFactory,
    ClinicianFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    PregnancyFactory,
    RegimenFactory,
    SupplementProductFactory,
    SymptomEntryFactory,
)
from tracker.exports.pdf import summary_pdf
from tracker.models import AuditEvent, Regimen, SymptomEntry
from tracker.selectors.adherence import adherence_for_regimen
from tracker.selectors.dashboard import dashboard_for
from tracker.templatetags.tracker_extras import percent

# 16 Nov 2026, 21:00 in Rome: both of today's doses are due.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
MORNING, EVENING = time(8, 0), time(20, 0)
SCREENING = "Screening, not a diagnosis: talk to your clinician."

pytestmark = pytest.mark.django_db

# In an uncompressed content stream: a string shown with Tj (reportlab escapes \ ( ) and
# writes characters past ASCII as octal, \267, in the standard fonts' WinAnsi encoding),
# or an operator that moves to a new line or text block.
TEXT_TOKEN = re.compile(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj|T\*|\bT[dDm]\b|\bET\b")
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def pdf_text(pdf: bytes) -> str:
    """The text of an uncompressed PDF in drawing order: runs on one line joined as they
    are (a bold run and the rest), lines and blocks by a space, whitespace collapsed."""
    parts = []
    for token in TEXT_TOKEN.finditer(pdf):
        if token[1] is None:
            parts.append(" ")
            continue
        raw = ESCAPE.sub(lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else m[1], token[1])
        parts.append(raw.decode("cp1252"))
    return " ".join("".join(parts).split())


def page_count(pdf: bytes) -> int:
    pages = len(re.findall(rb"/Type /Page\b", pdf))  # \b: not /Pages
    assert re.search(rb"/Count %d\b" % pages, pdf), "the page tree disagrees with the page objects"
    return pages


def readable_summary(mother: User) -> tuple[bytes, str]:
    pdf = summary_pdf(mother=mother, compress=False)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    return pdf, pdf_text(pdf)


def log_day(regimen, day, *, taken=(), skipped=(), late_minutes=0):
    for at in taken:
        slot = regimen.slot_at(day, at)
        DoseLogFactory(
            regimen=regimen, slot_date=day, slot_time=at, taken_at=slot + timedelta(minutes=late_minutes)
        )
    for at in skipped:
        DoseLogFactory(regimen=regimen, slot_date=day, slot_time=at, status="skipped", taken_at=None)


def test_her_summary_states_who_she_is_and_the_adherence_the_selector_computes(mother):
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 7))  # 7..16 Nov: 10 days, 20 doses
    for offset in range(6):  # 7-12 Nov: all taken on time
        log_day(regimen, date(2026, 11, 7 + offset), taken=[MORNING, EVENING])
    log_day(regimen, date(2026, 11, 13), taken=[MORNING], skipped=[EVENING])
    # 14 Nov: nothing logged (missed)
    log_day(regimen, date(2026, 11, 15), skipped=[MORNING, EVENING])
    log_day(regimen, date(2026, 11, 16), taken=[MORNING, EVENING], late_minutes=90)
    expected = adherence_for_regimen(regimen=regimen)

    pdf, text = readable_summary(mother)

    assert page_count(pdf) == 1
    assert "Mother Anna" in text
    assert "Time zone Europe/Rome: every day in this summary is her local day." in text
    assert "Generated 16 Nov 2026" in text
    assert (
        "Multi-strain probiotic (Example): 2 doses a day at 08:00, 20:00; 7 Nov 2026 to no end date" in text
    )
    # The selector's numbers: 7 of 10 days covered, 15 of 20 doses, 13 of 15 on time.
    assert (percent(expected.pdc), percent(expected.dose_adherence), percent(expected.on_time)) == (
        "70.0%",
        "75.0%",
        "86.7%",
    )
    assert "Days covered (all doses taken) 70.0% (7/10 days), below the 80% line" in text
    assert "Doses taken 75.0% (15/20 doses), below the 80% line" in text
    assert "Taken on time (within 60 min) 86.7%" in text
    assert f"Current streak {expected.current_streak} day" in text
    assert expected.longest_gap == 3 and "Longest gap 3 days" in text  # 13 (partly), 14, 15 Nov
    assert '80% is the line adherence research uses for "adherent".' in text
    assert "No baby added yet, so no feeds or symptoms to show." in text


def test_feeding_symptoms_and_a_flag_worded_as_screening_with_its_day(mother, infant):
    # Luca was born on 30 Oct 2026: 18 local days to 16 Nov, inclusive.
    for hour in (9, 12, 15):
        FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 2, hour, 0, tzinfo=UTC))
    SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    SymptomEntryFactory(
        infant=infant,
        kind=SymptomEntry.Kind.STOOL,
        size="",
        stool_consistency=4,
        straining_minutes=12,
        occurred_at=datetime(2026, 11, 5, 9, 0, tzinfo=UTC),
    )
    feeding = dashboard_for(mother=mother, range_key="all").feeding

    pdf, text = readable_summary(mother)

    assert page_count(pdf) == 1
    assert "Luca: born 30 Oct 2026 at 39+5 weeks, vaginal birth, 3400 g" in text
    assert "Feeding and symptoms: Luca" in text
    assert f"Feeding Since birth ({feeding.days} days), 1 with feeds" in text and feeding.days == 18
    # Over the complete days with a feed logged (today, 16 Nov, is still under way): 2 Nov only.
    assert "Feeds a day 3.0" in text  # 3 feeds over 1 day
    assert "Minutes a day 60" in text  # 3 x 20 minutes over 1 day
    assert "Median time between feeds 180 min" in text
    assert "Left / right 50.0% left" in text
    # 7-day averages need 4 days with records: 30 Oct-5 Nov has 2 (a spit-up, a stool), the
    # last 7 complete days (9-15 Nov) none, so neither has a mean.
    assert "Days with records 2 of 7 0 of 7" in text
    assert "Spit-ups a day – –" in text
    assert "Stools a day – –" in text
    assert (
        f"Straining for 10 minutes or more before a stool. {SCREENING} Days that met it (1): 5 Nov 2026."
        in text
    )
    assert "Spit-up (not counting vomiting) 2 or more" not in text  # not met, so not printed
    assert "They are screening, not a diagnosis: talk to your clinician." in text
    assert (
        "Thin grey line: each day. Bold blue line: the 7-day average, over the days with records (at least 4)."
        in text
    )


def test_an_empty_record_is_a_short_valid_pdf_that_says_what_is_missing(mother):
    pdf, text = readable_summary(mother)

    assert page_count(pdf) == 1
    assert "Baby No baby added yet. Regimen No regimen set up yet." in text
    assert "No regimen set up yet, so there is no adherence to show." in text
    assert "No baby added yet, so no feeds or symptoms to show." in text
    assert "Screening" not in text


def test_a_pregnant_mother_sees_her_due_date_and_a_regimen_still_to_start(mother):
    pregnancy = PregnancyFactory(mother=mother, due_date=date(2027, 1, 10))
    RegimenFactory(
        mother=mother, pregnancy=pregnancy, preset=Regimen.Preset.TRIAL, start_date=date(2026, 12, 13)
    )

    pdf, text = readable_summary(mother)

    assert page_count(pdf) == 1
    assert "No baby added yet (due 10 Jan 2027)." in text
    assert "Starts on 13 Dec 2026. Nothing to count yet." in text


def test_names_with_markup_are_printed_as_typed_not_obeyed(mother):
    mother.display_name = "<b>Ann & Co"
    mother.save()
    product = SupplementProductFactory(mother=mother, name="<i>Pro & Bio</i>", brand="")
    infant = InfantFactory(mother=mother, name="<u>Leo & Mia")
    RegimenFactory(mother=mother, product=product, start_date=date(2026, 11, 1))
    FeedingSessionFactory(infant=infant)
    SymptomEntryFactory(infant=infant)

    pdf, text = readable_summary(mother)

    assert page_count(pdf) == 1
    assert "Mother <b>Ann & Co" in text
    assert "<i>Pro & Bio</i>: 2 doses a day" in text
    assert "Feeding and symptoms: <u>Leo & Mia" in text
    assert "<i>Pro & Bio</i> started on 1 Nov 2026" in text  # the chart marker's caption


def test_twins_each_get_a_section_and_it_still_fits_two_pages(mother, infant):
    twin = InfantFactory(mother=mother, pregnancy=infant.pregnancy, name="Mia", birth_at=infant.birth_at)
    RegimenFactory(mother=mother, pregnancy=infant.pregnancy, start_date=date(2026, 10, 4))
    for baby in (infant, twin):
        for day in range(3, 16):
            FeedingSessionFactory(infant=baby, started_at=datetime(2026, 11, day, 9, 0, tzinfo=UTC))
            SymptomEntryFactory(infant=baby, occurred_at=datetime(2026, 11, day, 10, 0, tzinfo=UTC))

    pdf, text = readable_summary(mother)

    assert 1 <= page_count(pdf) <= 2
    assert "Babies Luca: born 30 Oct 2026" in text and "Mia: born 30 Oct 2026" in text
    assert "Feeding and symptoms: Luca" in text and "Feeding and symptoms: Mia" in text
    assert "Before birth / after birth" in text


def test_a_record_too_big_for_two_pages_is_summarised_one_line_each(mother, infant):
    names = ["Luca", "Mia", "Noah", "Ines", "Elia"]
    babies = [infant] + [
        InfantFactory(mother=mother, pregnancy=infant.pregnancy, name=name, birth_at=infant.birth_at)
        for name in names[1:]
    ]
    for baby in babies:
        FeedingSessionFactory(infant=baby)
        SymptomEntryFactory(infant=baby)
    for weeks in range(6):
        RegimenFactory(mother=mother, start_date=date(2026, 10, 1) + timedelta(weeks=weeks))

    pdf, text = readable_summary(mother)

    assert page_count(pdf) <= 2
    assert "Regimen Days covered Doses taken On time Current streak Longest gap" in text
    for name in names:
        assert f"{name}: born 30 Oct 2026" in text
    assert "Feeding: averages over the complete days (to yesterday) with a feed logged in the last 30" in text
    # One 20-minute feed on 2 Nov, the only day with a feed; no record in the last complete week.
    assert "Luca 1.0 20 – – –" in text


def test_two_years_of_history_fit_on_one_or_two_pages():
    call_command("seed_demo", "--days", "730", "--email", "two-years@example.org", stdout=StringIO())
    mother = User.objects.get(email="two-years@example.org")
    regimen = Regimen.objects.get(mother=mother)
    expected = adherence_for_regimen(regimen=regimen)
    # 730 or 731 days: today counts once each of its slots is logged or an hour past.
    assert expected.days_elapsed in (730, 731)

    pdf, text = readable_summary(mother)

    assert 1 <= page_count(pdf) <= 2
    assert (
        f"Days covered (all doses taken) {percent(expected.pdc)} "
        f"({expected.days_covered}/{expected.days_elapsed} days)" in text
    )
    assert re.search(r"Feeding Last 30 days, \d+ with feeds Since birth \(732 days\), \d+ with feeds", text)
    assert "Symptoms, 7-day average First week (to" in text
    assert page_count(summary_pdf(mother=mother)) == page_count(pdf)  # compressed, as served


def test_she_downloads_it_named_for_her_local_day(mother, infant, mother_client):
    FeedingSessionFactory(infant=infant)

    # 23:30 UTC is already 17 Nov in Rome.
    with time_machine.travel(datetime(2026, 11, 16, 23, 30, tzinfo=UTC), tick=False):
        response = mother_client.get("/exports/summary.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="summary-2026-11-17.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert page_count(response.content) == 1
    assert Client().get("/exports/summary.pdf").status_code == 302


def test_a_clinician_with_an_exports_grant_downloads_it_and_the_look_is_audited(mother, infant):
    exports = CareGrantFactory(mother=mother, scope="summary_exports")
    summary_only = CareGrantFactory(mother=mother)
    path = f"/clinician/{mother.pk}/exports/summary.pdf"
    allowed, refused, stranger = Client(), Client(), Client()
    allowed.force_login(exports.clinician)
    refused.force_login(summary_only.clinician)
    stranger.force_login(ClinicianFactory())

    response = allowed.get(path)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="anna-summary-2026-11-16.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(mother=mother, action="export_pdf").count() == 1
    assert refused.get(path).status_code == 404
    assert stranger.get(path).status_code == 404


def test_the_feeding_charts_draw_today_pale_as_today_so_far(mother, infant):
    """16 Nov is today, still under way: 2 feeds this morning are not a drop from 3 a day."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart

    from tracker.exports.pdf_charts import daily_counts
    from tracker.exports.pdf_layout import BLUE, PALE_BLUE

    days = [date(2026, 11, 14), date(2026, 11, 15), date(2026, 11, 16)]
    drawn = {
        partial: next(
            shape
            for shape in daily_counts(
                title="Feeds a day", days=days, values=[3, 3, 2], width=200, height=100, partial_last=partial
            ).contents
            if isinstance(shape, VerticalBarChart)
        )
        for partial in (False, True)
    }
    for day in range(2):
        FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 16, 7 + day, 0, tzinfo=UTC))
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 15, 7, 0, tzinfo=UTC))

    _, text = readable_summary(mother)

    assert drawn[False].bars[(0, 2)].fillColor == BLUE
    assert (drawn[True].bars[(0, 1)].fillColor, drawn[True].bars[(0, 2)].fillColor) == (BLUE, PALE_BLUE)
    assert "Charts: pale bar (dashed line), today so far." in text
