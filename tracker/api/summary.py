"""The dashboard's numbers, read-only, from the dashboard's own selector (``dashboard_for``),
so the API and the page never disagree."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from tracker.api.scoping import RecordViewSet
from tracker.models import Infant
from tracker.selectors.dashboard import DEFAULT_RANGE, RANGES, dashboard_for


class AdherencePeriodSerializer(serializers.Serializer):
    first_day = serializers.DateField(allow_null=True)
    last_day = serializers.DateField(allow_null=True)
    days_elapsed = serializers.IntegerField()
    days_covered = serializers.IntegerField()
    doses_scheduled = serializers.IntegerField()
    doses_taken = serializers.IntegerField()
    pdc = serializers.FloatField(allow_null=True)
    dose_adherence = serializers.FloatField(allow_null=True)


class AdherenceSerializer(serializers.Serializer):
    """A regimen's adherence so far (ratios 0..1, None before anything is scheduled)."""

    window_start = serializers.DateField()
    window_end = serializers.DateField()
    is_started = serializers.BooleanField()
    days_elapsed = serializers.IntegerField()
    days_covered = serializers.IntegerField()
    doses_scheduled = serializers.IntegerField()
    doses_taken = serializers.IntegerField()
    doses_skipped = serializers.IntegerField()
    doses_on_time = serializers.IntegerField()
    pdc = serializers.FloatField(allow_null=True, help_text="Days covered / days elapsed.")
    dose_adherence = serializers.FloatField(allow_null=True, help_text="Doses taken / doses scheduled.")
    on_time = serializers.FloatField(allow_null=True, help_text="Share of the taken doses within 60 min.")
    pdc_meets_target = serializers.BooleanField(help_text="At least 80%.")
    dose_adherence_meets_target = serializers.BooleanField()
    current_streak = serializers.IntegerField()
    longest_gap = serializers.IntegerField()
    today_is_open = serializers.BooleanField()
    birth_date = serializers.DateField(allow_null=True)
    before_birth = AdherencePeriodSerializer(allow_null=True)
    after_birth = AdherencePeriodSerializer(allow_null=True)


class RegimenAdherenceSerializer(serializers.Serializer):
    regimen = serializers.IntegerField(source="regimen.pk")
    product = serializers.CharField(source="regimen.product.name")
    adherence = AdherenceSerializer()


class FeedingDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    feeds = serializers.IntegerField()
    minutes = serializers.FloatField()


class FeedingSerializer(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    complete_days = serializers.IntegerField()
    feed_days = serializers.IntegerField()
    feeds_per_day = serializers.FloatField(allow_null=True)
    minutes_per_day = serializers.FloatField(allow_null=True)
    median_interval_minutes = serializers.FloatField(allow_null=True)
    left_minutes = serializers.FloatField()
    right_minutes = serializers.FloatField()
    left_share = serializers.FloatField(allow_null=True)
    minutes_since_last_feed = serializers.SerializerMethodField()
    exclusive_breastfeeding_days = serializers.IntegerField()
    checked_days = serializers.IntegerField()
    per_day = FeedingDaySerializer(many=True)

    def get_minutes_since_last_feed(self, summary) -> float | None:
        since = summary.since_last_feed
        return None if since is None else round(since.total_seconds() / 60, 1)


class WeekSerializer(serializers.Serializer):
    """The 7 complete days to yesterday: means a day over the logging days (None with fewer than 4)."""

    first_day = serializers.DateField()
    last_day = serializers.DateField()
    logging_days = serializers.IntegerField()
    regurgitations = serializers.FloatField(allow_null=True)
    vomiting = serializers.FloatField(allow_null=True)
    crying_minutes = serializers.FloatField(allow_null=True)
    stools = serializers.FloatField(allow_null=True)


class FlagSerializer(serializers.Serializer):
    name = serializers.CharField()
    triggered = serializers.BooleanField()
    wording = serializers.CharField(help_text="Screening, not diagnosis: talk to your clinician.")
    trigger_days = serializers.ListField(child=serializers.DateField())


class SymptomDaySerializer(serializers.Serializer):
    """One local day; counts are None on a day with no data (never 0)."""

    day = serializers.DateField()
    regurgitations = serializers.IntegerField(allow_null=True)
    vomiting = serializers.IntegerField(allow_null=True)
    crying_minutes = serializers.IntegerField(allow_null=True)
    stools = serializers.IntegerField(allow_null=True)
    abdominal_pain = serializers.IntegerField(allow_null=True)


class SymptomsSerializer(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    last_week = WeekSerializer()
    flags = FlagSerializer(many=True)
    per_day = SymptomDaySerializer(many=True)


class SummarySerializer(serializers.Serializer):
    range = serializers.CharField(source="range_key")
    today = serializers.DateField(help_text="Her local today.")
    first_day = serializers.DateField()
    infant = serializers.IntegerField(source="infant.pk", allow_null=True, default=None)
    regimens = RegimenAdherenceSerializer(many=True)
    feeding = FeedingSerializer(allow_null=True)
    symptoms = SymptomsSerializer(allow_null=True)


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
