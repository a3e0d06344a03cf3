"""The dashboard's numbers, read-only, from the dashboard's own selector (``dashboard_for``),
so the API and the page never disagree."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from tracker.api.scoping import RecordViewSet
from tracker.models import Infant
from tracker.selectors.dashboard import DEFAULT_RANGE, RANGES, dashboard_for


class AdherencePeriodSerializer(serializers.Serializer):
    first_day = serializers.DateField(
        allow_null=True, help_text="Her first counted local day of this period; null when it has none."
    )
    last_day = serializers.DateField(
        allow_null=True, help_text="Her last counted local day of this period; null when it has none."
    )
    days_elapsed = serializers.IntegerField(help_text="Counted days in the period.")
    days_covered = serializers.IntegerField(help_text="Counted days on which all scheduled doses were taken.")
    doses_scheduled = serializers.IntegerField(
        help_text="Doses scheduled on the counted days (plus today's slots that count)."
    )
    doses_taken = serializers.IntegerField(
        help_text="Doses logged as taken (at most the doses each day schedules)."
    )
    pdc = serializers.FloatField(
        allow_null=True,
        help_text="Days covered (PDC): days_covered / days_elapsed, 0..1; null when no day is counted.",
    )
    dose_adherence = serializers.FloatField(
        allow_null=True, help_text="Doses taken / doses scheduled, 0..1; null when nothing is scheduled."
    )


class AdherenceSerializer(serializers.Serializer):
    """A regimen's adherence so far (ratios 0..1, None before anything is scheduled)."""

    window_start = serializers.DateField(help_text="The regimen's start date (her local day).")
    window_end = serializers.DateField(
        help_text="The earlier of her today and the regimen's end date "
        "(inclusive); before window_start when it has not started."
    )
    is_started = serializers.BooleanField(help_text="The regimen's start date is today or earlier.")
    days_elapsed = serializers.IntegerField(
        help_text="Counted days: the window's days before today, and today once "
        "each of its slots is logged or 60 minutes past."
    )
    days_covered = serializers.IntegerField(help_text="Counted days on which all scheduled doses were taken.")
    doses_scheduled = serializers.IntegerField(
        help_text="Doses scheduled on the counted days, plus today's slots "
        "that count (logged or 60 minutes past)."
    )
    doses_taken = serializers.IntegerField(
        help_text="Doses logged as taken (a day counts at most the doses it schedules)."
    )
    doses_skipped = serializers.IntegerField(
        help_text="Doses logged as skipped (a slot with no log is missed, not skipped)."
    )
    doses_on_time = serializers.IntegerField(
        help_text="Taken doses taken within 60 minutes either side of their slot."
    )
    pdc = serializers.FloatField(allow_null=True, help_text="Days covered / days elapsed.")
    dose_adherence = serializers.FloatField(allow_null=True, help_text="Doses taken / doses scheduled.")
    on_time = serializers.FloatField(allow_null=True, help_text="Share of the taken doses within 60 min.")
    pdc_meets_target = serializers.BooleanField(help_text="At least 80%.")
    dose_adherence_meets_target = serializers.BooleanField(
        help_text="dose_adherence is at least 0.8 (the 80% line of adherence research)."
    )
    current_streak = serializers.IntegerField(
        help_text="Fully covered days in a row, ending at the last counted day."
    )
    longest_gap = serializers.IntegerField(
        help_text="The longest run of counted days in a row not fully covered."
    )
    today_is_open = serializers.BooleanField(
        help_text="Today is in the window and not counted yet: a slot neither logged nor 60 minutes past."
    )
    birth_date = serializers.DateField(
        allow_null=True,
        help_text="Her local date of the birth from the regimen's pregnancy; null without a birth.",
    )
    before_birth = AdherencePeriodSerializer(
        allow_null=True,
        help_text="The window's days before birth_date, by the same rules; null without a birth.",
    )
    after_birth = AdherencePeriodSerializer(
        allow_null=True,
        help_text="The window's days from birth_date on (the birth day belongs here); null without a birth.",
    )


class RegimenAdherenceSerializer(serializers.Serializer):
    regimen = serializers.IntegerField(source="regimen.pk", help_text="The regimen's id.")
    product = serializers.CharField(
        source="regimen.product.name", help_text="The name of the regimen's product."
    )
    adherence = AdherenceSerializer(help_text="The regimen's adherence from its start date to now.")


class FeedingDaySerializer(serializers.Serializer):
    day = serializers.DateField(help_text="Her local day.")
    feeds = serializers.IntegerField(help_text="Feeds that started on that day (a running one included).")
    minutes = serializers.FloatField(help_text="Wall-clock minutes of that day's ended feeds.")


class FeedingSerializer(serializers.Serializer):
    first_day = serializers.DateField(
        help_text="The first local day: the range's first day, or the birth day if later."
    )
    last_day = serializers.DateField(help_text="The last local day: her today.")
    complete_days = serializers.IntegerField(
        help_text="The range's days before her today (today is unfinished)."
    )
    feed_days = serializers.IntegerField(help_text="Complete days with a feed logged.")
    feeds_per_day = serializers.FloatField(
        allow_null=True, help_text="Feeds per day: mean over the feed_days; null when there is none."
    )
    minutes_per_day = serializers.FloatField(
        allow_null=True,
        help_text="Minutes of ended feeds per day: mean over the feed_days; null when there is none.",
    )
    median_interval_minutes = serializers.FloatField(
        allow_null=True,
        help_text="Median minutes between the starts of consecutive feeds "
        "in the range; null with fewer than two.",
    )
    left_minutes = serializers.FloatField(help_text="Minutes logged on the left breast in the range.")
    right_minutes = serializers.FloatField(help_text="Minutes logged on the right breast in the range.")
    left_share = serializers.FloatField(
        allow_null=True,
        help_text="left_minutes / (left_minutes + right_minutes), 0..1; null when no breast time was logged.",
    )
    minutes_since_last_feed = serializers.SerializerMethodField(
        help_text="Minutes from the start of the latest feed ever logged (not "
        "only in the range) to now; null if none."
    )
    exclusive_breastfeeding_days = serializers.IntegerField(
        help_text="Days whose daily check says nothing other than breast milk (WHO: drops of "
        "vitamins or medicine allowed) and no formula or mixed feed started."
    )
    checked_days = serializers.IntegerField(help_text="Days of the range with a daily check.")
    per_day = FeedingDaySerializer(many=True, help_text="One entry per local day of the range, oldest first.")

    def get_minutes_since_last_feed(self, summary) -> float | None:
        since = summary.since_last_feed
        return None if since is None else round(since.total_seconds() / 60, 1)


class WeekSerializer(serializers.Serializer):
    """The 7 complete days to yesterday: means a day over the logging days (None with fewer than 4)."""

    first_day = serializers.DateField(help_text="The first of the 7 complete local days.")
    last_day = serializers.DateField(
        help_text="The last of the 7 complete local days (yesterday when the range ends today)."
    )
    logging_days = serializers.IntegerField(
        help_text="Days of the 7 with any symptom entry or a daily check."
    )
    regurgitations = serializers.FloatField(
        allow_null=True,
        help_text="Effortless spit-ups a day (vomiting not included): mean over "
        "the logging days; null with fewer than 4.",
    )
    vomiting = serializers.FloatField(
        allow_null=True,
        help_text="Spit-ups marked as vomiting a day: mean over the logging days; null with fewer than 4.",
    )
    crying_minutes = serializers.FloatField(
        allow_null=True,
        help_text="Minutes of crying a day: mean over the logging days; null with fewer than 4.",
    )
    stools = serializers.FloatField(
        allow_null=True, help_text="Stools a day: mean over the logging days; null with fewer than 4."
    )


class FlagSerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="Which screening flag (modelled on Rome IV): "
        "regurgitation, crying, few_stools or straining."
    )
    triggered = serializers.BooleanField(help_text="The pattern was seen in the history up to the last day.")
    wording = serializers.CharField(help_text="Screening, not diagnosis: talk to your clinician.")
    trigger_days = serializers.ListField(
        child=serializers.DateField(),
        help_text="The local days that triggered it, oldest first; empty when not triggered.",
    )


class SymptomDaySerializer(serializers.Serializer):
    """One local day; counts are None on a day with no data (never 0)."""

    day = serializers.DateField(help_text="Her local day.")
    regurgitations = serializers.IntegerField(
        allow_null=True, help_text="Effortless spit-ups (vomiting not included); null: no data that day."
    )
    vomiting = serializers.IntegerField(
        allow_null=True, help_text="Spit-ups marked as vomiting; null: no data that day."
    )
    crying_minutes = serializers.IntegerField(
        allow_null=True,
        help_text="Minutes of the crying spells that started that day; null: no data that day.",
    )
    stools = serializers.IntegerField(allow_null=True, help_text="Stools; null: no data that day.")
    abdominal_pain = serializers.IntegerField(
        allow_null=True, help_text="Tummy pain episodes; null: no data that day."
    )


class SymptomsSerializer(serializers.Serializer):
    first_day = serializers.DateField(
        help_text="The first local day: the range's first day, or the birth day if later."
    )
    last_day = serializers.DateField(help_text="The last local day: her today.")
    last_week = WeekSerializer(help_text="The last 7 complete days (to yesterday).")
    flags = FlagSerializer(
        many=True, help_text="Screening flags over the whole history from birth, not only the range."
    )
    per_day = SymptomDaySerializer(
        many=True, help_text="One entry per local day of the range, oldest first (today is unfinished)."
    )


class SummarySerializer(serializers.Serializer):
    range = serializers.CharField(
        source="range_key",
        help_text='The range asked for: "7" or "30" days to today, '
        '"all" (from her first regimen start or the birth).',
    )
    today = serializers.DateField(help_text="Her local today.")
    first_day = serializers.DateField(help_text="The range's first local day (today is the last).")
    infant = serializers.IntegerField(
        source="infant.pk",
        allow_null=True,
        default=None,
        help_text="The baby's id the feeding and symptoms are of; null when she has no baby.",
    )
    regimens = RegimenAdherenceSerializer(many=True, help_text="Her regimens, each with its adherence.")
    feeding = FeedingSerializer(
        allow_null=True, help_text="The baby's feeding over the range; null without a baby born by today."
    )
    symptoms = SymptomsSerializer(
        allow_null=True, help_text="The baby's symptoms over the range; null without a baby born by today."
    )


class SummaryQuery(serializers.Serializer):
    range = serializers.ChoiceField(choices=list(RANGES), default=DEFAULT_RANGE)
    infant = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class SummaryViewSet(RecordViewSet):
    """The dashboard's numbers for one baby and range. A clinician with any active grant
    (the summary scope is enough) reads it under ``patients/<mother_id>/summary/``."""

    model = Infant
    needs_exports_scope = False
    single_object = True
    serializer_class = SummarySerializer
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("range", enum=list(RANGES), default=DEFAULT_RANGE, description="Days shown."),
            OpenApiParameter(
                "infant",
                {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                description="Her baby's id (default: her first baby).",
            ),
        ],
        responses={200: SummarySerializer},
    )
    def list(self, request, **kwargs):
        query = SummaryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        infant = query.validated_data.get("infant")
        if infant is not None and not Infant.objects.for_mother(self.mother).filter(pk=infant).exists():
            raise serializers.ValidationError({"infant": ["Not one of her babies."]})
        board = dashboard_for(mother=self.mother, range_key=query.validated_data["range"], infant_id=infant)
        return Response(SummarySerializer(board).data)
