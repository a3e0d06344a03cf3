"""Feeding sessions: the list, past feeds typed in, and the timer (start, switch side, stop)."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from tracker.api.fields import (
    CREATED_HELP,
    NOTES_HELP,
    TAP_AT_EXAMPLE,
    ApiModelSerializer,
    AwareDateTimeField,
    TapSerializer,
    TapTimeField,
)
from tracker.api.filters import cursor_on, time_range_filter
from tracker.api.relations import HerRecordField
from tracker.api.scoping import RecordViewSet
from tracker.models import FeedingSession, Infant, Side
from tracker.services import feeding

SIDE_SECONDS_HELP = (
    "Whole seconds on the {side} breast; 0 for a bottle-only feed. While the timer runs, the "
    "time on the breast in use is added at the next switch or at the stop."
)


class FeedSerializer(ApiModelSerializer):
    infant = HerRecordField(Infant, help_text="Her baby's id.")
    ended_at = AwareDateTimeField(
        allow_null=True,
        help_text="When it ended; null while the timer runs. A feed typed in has ended: give it.",
    )
    is_running = serializers.BooleanField(read_only=True, help_text="The timer runs (no end yet).")
    start_side = serializers.ChoiceField(
        choices=Side.choices, allow_blank=True, required=False, help_text="Blank for a bottle-only feed."
    )
    current_side = serializers.ChoiceField(
        choices=Side.choices, allow_blank=True, read_only=True, help_text="While running: the breast in use."
    )

    class Meta:
        model = FeedingSession
        fields = [
            "id",
            "infant",
            "started_at",
            "ended_at",
            "is_running",
            "method",
            "start_side",
            "current_side",
            "left_seconds",
            "right_seconds",
            "switches",
            "bottle_ml",
            "notes",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "id": {"help_text": "The feed's id."},
            "started_at": {
                "help_text": "When the feed started (an instant: with an offset in, UTC out). Not in the "
                "future nor before the birth; a baby's feeds never overlap."
            },
            "method": {
                "help_text": "breast, expressed (her milk from a bottle), "
                "formula, or mixed (breast and bottle)."
            },
            "left_seconds": {"help_text": SIDE_SECONDS_HELP.format(side="left")},
            "right_seconds": {"help_text": SIDE_SECONDS_HELP.format(side="right")},
            "switches": {"help_text": "How many times she changed breast during the feed, 0 to 30."},
            "bottle_ml": {
                "help_text": "Millilitres given from a bottle, 1 to 400; null: "
                "none. Not for a breast-only feed."
            },
            "notes": {"help_text": NOTES_HELP},
            "created_at": {"help_text": CREATED_HELP},
        }

    def validate(self, attrs):
        if self.instance is None and attrs.get("ended_at") is None:
            raise serializers.ValidationError(
                {"ended_at": ["Give the end of a feed typed in, or start the timer instead."]}
            )
        if self.instance is not None and "infant" in attrs and attrs["infant"].pk != self.instance.infant_id:
            raise serializers.ValidationError(
                {"infant": ["A feed stays with its baby: delete it and log it again."]}
            )
        return attrs


class FeedStartSerializer(serializers.Serializer):
    infant = HerRecordField(Infant, help_text="Her baby's id.")
    side = serializers.ChoiceField(choices=Side.choices, help_text="The breast she starts on.")
    at = TapTimeField()


SENT_LATER = OpenApiExample("Tapped at 03:12, sent later", value={"at": TAP_AT_EXAMPLE}, request_only=True)


PAST_FEED = OpenApiExample(
    "A past feed, typed in",
    value={
        "infant": 1,
        "started_at": "2026-11-16T03:10:00+01:00",
        "ended_at": "2026-11-16T03:35:00+01:00",
        "method": "breast",
        "start_side": "left",
        "left_seconds": 720,
        "right_seconds": 660,
        "switches": 1,
    },
    request_only=True,
)


@extend_schema_view(create=extend_schema(examples=[PAST_FEED]))
class FeedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RecordViewSet,
):
    """Her babies' feeds, newest first. ``POST`` logs a feed that has ended (a past feed, typed in);
    ``start``, ``switch`` and ``stop`` run the timer as the Today page does."""

    model = FeedingSession
    serializer_class = FeedSerializer
    filterset_class = time_range_filter(FeedingSession, "started_at", extra=("method",))
    pagination_class = cursor_on("started_at")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        feed = FeedingSession(**serializer.validated_data)
        serializer.instance = feeding.feed_save(feed=feed)

    def perform_update(self, serializer):
        feed = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(feed, name, value)
        if feed.is_running:
            raise ValidationError({"ended_at": "Stop a running feed with its stop action, or give its end."})
        feeding.feed_save(feed=feed)

    def perform_destroy(self, instance):
        self.destroy_audited(instance, lambda: feeding.feed_delete(feed=instance))

    @extend_schema(
        request=FeedStartSerializer,
        responses={201: FeedSerializer},
        examples=[
            OpenApiExample("Start on the left", value={"infant": 1, "side": "left"}, request_only=True),
            OpenApiExample(
                "Started at 03:12, sent later from the offline queue",
                value={"infant": 1, "side": "left", "at": TAP_AT_EXAMPLE},
                request_only=True,
            ),
        ],
    )
    @action(detail=False, methods=["post"])
    def start(self, request, **kwargs):
        """Start a breastfeed on a side, now or ``at`` the time she tapped, with the timer running
        (one running feed per baby)."""
        form = FeedStartSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        feed = feeding.feed_start(**form.validated_data)
        return Response(
            FeedSerializer(feed, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    def _tap_at(self, request):
        form = TapSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return form.validated_data.get("at")

    @extend_schema(request=TapSerializer, responses={200: FeedSerializer}, examples=[SENT_LATER])
    @action(detail=True, methods=["post"])
    def switch(self, request, **kwargs):
        """Move the running feed to the other breast, now or ``at`` the time she tapped (the time
        on the breast it leaves counts up to then; not before the start or the last switch)."""
        at = self._tap_at(request)
        feed = feeding.feed_switch_side(feed=self.get_object(), at=at)
        return Response(FeedSerializer(feed, context=self.get_serializer_context()).data)

    @extend_schema(request=TapSerializer, responses={200: FeedSerializer}, examples=[SENT_LATER])
    @action(detail=True, methods=["post"])
    def stop(self, request, **kwargs):
        """Stop the running feed, now or ``at`` the time she tapped (not before the start or the
        last switch). A feed already ended is returned as it is."""
        at = self._tap_at(request)
        feed = feeding.feed_stop(feed=self.get_object(), at=at)
        return Response(FeedSerializer(feed, context=self.get_serializer_context()).data)
