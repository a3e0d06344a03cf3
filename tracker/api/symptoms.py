"""Symptom entries of each kind (with the crying timer), and the daily check."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from tracker.api.fields import (
    CREATED_HELP,
    ID_HELP,
    NOTES_HELP,
    TAP_AT_EXAMPLE,
    ApiModelSerializer,
    TapSerializer,
    TapTimeField,
)
from tracker.api.filters import checks_filter, cursor_on, time_range_filter
from tracker.api.relations import HerRecordField
from tracker.api.scoping import RecordViewSet
from tracker.localtime import local_today
from tracker.models import DailyCheck, Infant, SymptomEntry
from tracker.services import symptoms


class SymptomSerializer(ApiModelSerializer):
    """One symptom. Each kind records its own details (``SymptomEntry.DETAILS``): a spit-up its
    ``size`` and ``is_vomiting``; crying ``ended_at`` or ``duration_minutes``; tummy pain its
    ``severity`` (0-3); a stool its ``stool_consistency`` (Brussels 1-7), colour and straining."""

    infant = HerRecordField(Infant, help_text="Her baby's id.")
    is_running = serializers.BooleanField(read_only=True, help_text="A crying timer still running.")

    class Meta:
        model = SymptomEntry
        fields = ["id", "infant", "kind", "is_running", *SymptomEntry.RECORDED_FIELDS, "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "id": {"help_text": ID_HELP},
            "kind": {
                "help_text": "regurgitation (spit-up), crying (crying or "
                "fussing), abdominal_pain (tummy pain "
                "or colic) or stool. Fixed once logged."
            },
            "ended_at": {
                "help_text": "Crying only: when it ended (with an offset in, UTC out). Null while the crying "
                "timer runs, when only duration_minutes was given, and for the other kinds."
            },
            "duration_minutes": {
                "help_text": "Crying only: how long, in minutes, 0 to 1440; worked out from ended_at when "
                "only that is given. Null while the timer runs and for the other kinds."
            },
            "size": {"help_text": "Spit-up: small, medium or large (required); blank for the other kinds."},
            "is_vomiting": {
                "help_text": "Spit-up only: it was forceful vomiting, counted apart from regurgitations."
            },
            "severity": {
                "help_text": "Tummy pain: 0 none, 1 mild, 2 moderate, 3 severe "
                "(required); null for the other kinds."
            },
            "stool_consistency": {
                "help_text": "Stool: the Brussels Infant and Toddler Stool Scale, 1 hard lumps to 7 watery "
                "(hard 1-3, formed 4, loose 5-6, watery 7); required; null for the other kinds."
            },
            "stool_colour": {"help_text": "Stool only: its colour; blank: not given, or another kind."},
            "straining_minutes": {
                "help_text": "Stool only: minutes of straining before it, 0 to 120; null: not given."
            },
            "notes": {"help_text": NOTES_HELP},
            "created_at": {"help_text": CREATED_HELP},
            "occurred_at": {
                "required": False,
                "help_text": "When it happened (crying: when it started). Left out: now, logged as "
                "Today's one-tap button does (the same tap within 5 seconds counts once).",
            },
        }

    def validate(self, attrs):
        if self.instance is not None:
            for fixed in ("infant", "kind"):
                if fixed in attrs and attrs[fixed] != getattr(self.instance, fixed):
                    raise serializers.ValidationError({fixed: ["Delete the entry and log it again instead."]})
        return attrs


class CryingStartSerializer(serializers.Serializer):
    infant = HerRecordField(Infant, help_text="Her baby's id.")
    at = TapTimeField()


class SymptomViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RecordViewSet,
):
    """Her babies' symptoms, newest first. ``crying/start`` and ``{id}/stop`` time a crying spell."""

    model = SymptomEntry
    serializer_class = SymptomSerializer
    filterset_class = time_range_filter(SymptomEntry, "occurred_at", extra=("kind",))
    pagination_class = cursor_on("occurred_at")
    list_select_related = ()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(
        request=SymptomSerializer,
        responses={
            201: SymptomSerializer,
            200: OpenApiResponse(
                SymptomSerializer, "The same one-tap entry within 5 seconds: already logged."
            ),
        },
        examples=[
            OpenApiExample(
                "A small spit-up now",
                value={"infant": 1, "kind": "regurgitation", "size": "small"},
                request_only=True,
            ),
            OpenApiExample(
                "A stool typed in",
                value={
                    "infant": 1,
                    "kind": "stool",
                    "occurred_at": "2026-11-16T07:40:00Z",
                    "stool_consistency": 4,
                    "stool_colour": "yellow",
                },
                request_only=True,
            ),
        ],
    )
    def create(self, request, **kwargs):
        """Log a symptom: at ``occurred_at`` (typed in afterwards), or now (one tap)."""
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        if data.get("occurred_at") is None:
            data.pop("occurred_at", None)
            infant, kind = data.pop("infant"), data.pop("kind")
            entry, created = symptoms.symptom_log(infant=infant, kind=kind, **data)
        else:
            entry, created = symptoms.symptom_save(entry=SymptomEntry(**data)), True
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(entry).data, status=code)

    def perform_update(self, serializer):
        entry = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(entry, name, value)
        symptoms.symptom_save(entry=entry)

    def perform_destroy(self, instance):
        self.destroy_audited(instance, lambda: symptoms.symptom_delete(entry=instance))

    @extend_schema(
        request=CryingStartSerializer,
        responses={201: SymptomSerializer},
        examples=[
            OpenApiExample("Crying now", value={"infant": 1}, request_only=True),
            OpenApiExample(
                "Crying since 03:12, sent later from the offline queue",
                value={"infant": 1, "at": TAP_AT_EXAMPLE},
                request_only=True,
            ),
        ],
    )
    @action(detail=False, methods=["post"], url_path="crying/start")
    def crying_start(self, request, **kwargs):
        """Start timing a crying spell, now or ``at`` the time she tapped (one at a time per baby)."""
        form = CryingStartSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        entry = symptoms.crying_start(infant=data["infant"], at=data.get("at"))
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TapSerializer,
        responses={200: SymptomSerializer},
        examples=[
            OpenApiExample("Stopped at 03:40", value={"at": "2026-11-16T03:40:00+01:00"}, request_only=True)
        ],
    )
    @action(detail=True, methods=["post"])
    def stop(self, request, **kwargs):
        """Stop a timed crying spell, now or ``at`` the time she tapped (not before it started);
        its minutes are kept. An ended one is returned as it is."""
        form = TapSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        entry = self.get_object()
        if entry.kind != SymptomEntry.Kind.CRYING:
            raise ValidationError("Only a crying spell has a timer to stop.")
        entry = symptoms.crying_stop(entry=entry, at=form.validated_data.get("at"))
        return Response(self.get_serializer(entry).data)


class DailyCheckSerializer(ApiModelSerializer):
    infant = HerRecordField(Infant, help_text="Her baby's id.")

    class Meta:
        model = DailyCheck
        fields = ["id", "infant", "day", "no_symptoms", "other_than_breast_milk", "notes", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "day": {"required": False, "help_text": "Her local day; default: her today."},
            "id": {"help_text": ID_HELP},
            "no_symptoms": {
                "help_text": "She saw no symptoms that day: a symptom-free day, not a day without data."
            },
            "notes": {"help_text": NOTES_HELP},
            "created_at": {"help_text": CREATED_HELP},
        }


class DailyCheckViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RecordViewSet,
):
    """Her daily checks, one per baby and local day, newest first. ``POST`` saves the check of
    a day (replacing one already there), as Today's check does."""

    model = DailyCheck
    serializer_class = DailyCheckSerializer
    filterset_class = checks_filter()
    pagination_class = cursor_on("day")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _save(self, infant: Infant, data: dict) -> DailyCheck:
        return symptoms.daily_check_save(
            infant=infant,
            day=data.get("day") or local_today(self.mother.zone),
            no_symptoms=data.get("no_symptoms", False),
            other_than_breast_milk=data.get("other_than_breast_milk"),
            notes=data.get("notes", ""),
        )

    @extend_schema(responses={201: DailyCheckSerializer})
    def create(self, request, **kwargs):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        check = self._save(form.validated_data["infant"], form.validated_data)
        return Response(self.get_serializer(check).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        check = serializer.instance
        data = serializer.validated_data
        if data.get("infant", check.infant) != check.infant or data.get("day", check.day) != check.day:
            raise ValidationError({"day": "A check stays with its baby and day: delete it and save another."})
        values = {
            f: data.get(f, getattr(check, f)) for f in ("no_symptoms", "other_than_breast_milk", "notes")
        }
        serializer.instance = self._save(check.infant, {"day": check.day, **values})

    def perform_destroy(self, instance):
        self.destroy_audited(instance, lambda: symptoms.daily_check_delete(check=instance))
