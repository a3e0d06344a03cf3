"""Dose logs: the list, "log this slot", "took my probiotic" now, corrections and deletes."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from tracker.api.errors import ErrorSerializer
from tracker.api.fields import (
    TAP_AT_EXAMPLE,
    TAP_AT_HELP,
    ApiModelSerializer,
    AwareDateTimeField,
    LocalTimeField,
    TapTimeField,
)
from tracker.api.filters import cursor_on, time_range_filter
from tracker.api.relations import HerRecordField
from tracker.api.scoping import RecordViewSet
from tracker.localtime import local_date, local_today
from tracker.models import DoseLog, Regimen
from tracker.selectors.slots import logged_slot_due_at, open_slots_on
from tracker.services import doses

REGIMEN_HELP = "Her regimen's id; may be left out when exactly one of her regimens covers today."
STATUS_HELP = "taken or skipped (a slot without a log is not answered yet, or missed)."
SKIP_REASON_HELP = "Why she skipped it: one line, at most 200 characters; blank when taken or not given."


#: Where a dose was logged, as the refusal of a late tap says it.
LOGGED_FROM = {
    DoseLog.Source.EMAIL: "from the reminder email, ",
    DoseLog.Source.WEB: "in the app, ",
    DoseLog.Source.API: "through the API, ",
}


class DoseSerializer(ApiModelSerializer):
    class Meta:
        model = DoseLog
        fields = [
            "id",
            "regimen",
            "slot_date",
            "slot_time",
            "scheduled_at",
            "status",
            "skip_reason",
            "taken_at",
            "source",
            "logged_at",
        ]
        read_only_fields = fields  # writes go through DoseLogSerializer and DoseUpdateSerializer
        extra_kwargs = {
            "id": {"help_text": "The dose log's id."},
            "regimen": {"help_text": "The id of the regimen the dose belongs to."},
            "scheduled_at": {
                "help_text": "The slot as an instant, in UTC: her local "
                "slot_date and slot_time in her time zone."
            },
            "status": {"help_text": STATUS_HELP},
            "skip_reason": {"help_text": SKIP_REASON_HELP},
            "taken_at": {"help_text": "When she took it, in UTC; null for a skipped dose."},
            "source": {
                "help_text": "Where it was logged: web (the app's pages), email (a reminder's link) or api."
            },
            "logged_at": {"help_text": "When the log was first saved, in UTC."},
        }


class DoseLogSerializer(serializers.Serializer):
    """One slot answered: taken (now, unless ``taken_at`` says when) or skipped."""

    regimen = HerRecordField(Regimen, required=False, help_text=REGIMEN_HELP)
    slot_date = serializers.DateField(
        required=False, help_text="Her local day of the slot; default: her today."
    )
    slot_time = LocalTimeField(help_text="The slot's local time, one of the dose times.")
    status = serializers.ChoiceField(
        choices=DoseLog.Status.choices,
        default=DoseLog.Status.TAKEN,
        help_text="taken (the default) or skipped.",
    )
    taken_at = AwareDateTimeField(required=False, allow_null=True, help_text="When taken; default: now.")
    skip_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=200, default="", help_text=SKIP_REASON_HELP
    )


class DoseTakeSerializer(serializers.Serializer):
    regimen = HerRecordField(Regimen, required=False, help_text=REGIMEN_HELP)
    at = TapTimeField(help_text="The slot due at that time is answered, taken then. " + TAP_AT_HELP)


class DoseUpdateSerializer(serializers.Serializer):
    """What a correction may change; what it leaves out stays as logged."""

    status = serializers.ChoiceField(
        choices=DoseLog.Status.choices, required=False, help_text="taken or skipped; left out: unchanged."
    )
    taken_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text="When she took it, with an offset; null for a skipped dose; left out: unchanged.",
    )
    skip_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=f"{SKIP_REASON_HELP} Left out: unchanged."
    )


def regimen_of(data: dict, mother) -> Regimen:
    """The regimen named in ``data``, or her one regimen covering today."""
    if data.get("regimen") is not None:
        return data["regimen"]
    today = local_today(mother.zone)
    covering = [r for r in Regimen.objects.for_mother(mother).select_related("mother") if r.covers(today)]
    if len(covering) != 1:
        raise ValidationError({"regimen": "Say which regimen: give its id."})
    return covering[0]


class DoseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, RecordViewSet):
    """Her dose logs, newest slot first. One log per slot: answering a slot already answered
    returns its log unchanged (200), so a second "taken" is never a second dose."""

    model = DoseLog
    serializer_class = DoseSerializer
    filterset_class = time_range_filter(DoseLog, "scheduled_at", by_infant=False, extra=("regimen", "status"))
    pagination_class = cursor_on("scheduled_at")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _answer(self, log: DoseLog, created: bool) -> Response:
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(DoseSerializer(log).data, status=code)

    @extend_schema(
        request=DoseLogSerializer,
        responses={201: DoseSerializer, 200: OpenApiResponse(DoseSerializer, "The slot was already logged.")},
        examples=[
            OpenApiExample("Today's 08:00 dose, taken now", value={"slot_time": "08:00"}, request_only=True),
            OpenApiExample(
                "A skipped evening dose",
                value={
                    "regimen": 1,
                    "slot_date": "2026-11-15",
                    "slot_time": "20:00",
                    "status": "skipped",
                    "skip_reason": "Ran out",
                },
                request_only=True,
            ),
        ],
    )
    def create(self, request, **kwargs):
        """Log one slot ("log this slot"): taken or skipped, today's by default."""
        form = DoseLogSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        regimen = regimen_of(data, self.mother)
        log, created = doses.dose_log(
            regimen=regimen,
            slot_date=data.get("slot_date") or local_today(self.mother.zone),
            slot_time=data["slot_time"],
            status=data["status"],
            taken_at=data.get("taken_at"),
            skip_reason=data["skip_reason"],
            source=DoseLog.Source.API,
        )
        return self._answer(log, created)

    @extend_schema(
        request=DoseTakeSerializer,
        responses={
            201: DoseSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                "No dose is due now, or every dose of today is logged.",
                examples=[
                    OpenApiExample(
                        "no dose due",
                        value={
                            "detail": "No dose is due right now: log a slot by its time instead.",
                            "code": "no_slot_due",
                            "errors": {},
                        },
                        status_codes=["409"],
                    ),
                    OpenApiExample(
                        "already logged",
                        value={
                            "detail": "Your 08:00 dose of 16 Nov was already logged (from the reminder "
                            "email, taken at 08:04), so this tap was not logged again.",
                            "code": "already_logged",
                            "errors": {},
                        },
                        status_codes=["409"],
                    ),
                    OpenApiExample(
                        "all logged",
                        value={
                            "detail": "Every dose for today is already logged.",
                            "code": "all_logged",
                            "errors": {},
                        },
                        status_codes=["409"],
                    ),
                ],
            ),
        },
        examples=[
            OpenApiExample("Her one regimen", value={}, request_only=True),
            OpenApiExample(
                "Tapped at 03:12, sent later from the offline queue",
                value={"regimen": 1, "at": TAP_AT_EXAMPLE},
                request_only=True,
            ),
        ],
    )
    @action(detail=False, methods=["post"])
    def take(self, request, **kwargs):
        """ "Took my probiotic": the slot due now, taken now (as Today's big button); with ``at``,
        the slot that was due when she tapped, taken then."""
        form = DoseTakeSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        regimen = regimen_of(form.validated_data, self.mother)
        at = form.validated_data.get("at")
        log = doses.dose_take_now(regimen=regimen, source=DoseLog.Source.API, at=at)
        if log is not None:
            return self._answer(log, True)
        detail, code = self._why_none_due(regimen, at)
        return Response({"detail": detail, "code": code, "errors": {}}, status=status.HTTP_409_CONFLICT)

    def _why_none_due(self, regimen: Regimen, at) -> tuple[str, str]:
        zone = self.mother.zone
        if at is not None:
            logged = logged_slot_due_at(regimen=regimen, moment=at, zone=zone)
            if logged is not None:
                how = LOGGED_FROM.get(logged.source, "")
                when = f"taken at {logged.taken_at.astimezone(zone):%H:%M}" if logged.taken_at else "skipped"
                return (
                    f"Your {logged.slot_time:%H:%M} dose of {logged.slot_date:%-d %b} was already logged "
                    f"({how}{when}), so this tap was not logged again.",
                    "already_logged",
                )
        day = local_date(at, zone) if at is not None else local_today(zone)
        if open_slots_on(regimen=regimen, day=day):
            if at is not None:
                return (
                    f"No dose was due at {at.astimezone(zone):%H:%M}: log a slot by its time instead.",
                    "no_slot_due",
                )
            return "No dose is due right now: log a slot by its time instead.", "no_slot_due"
        return f"Every dose for {'today' if at is None else f'{day:%-d %b}'} is already logged.", "all_logged"

    @extend_schema(request=DoseUpdateSerializer, responses={200: DoseSerializer})
    def partial_update(self, request, **kwargs):
        """Correct a logged dose: status, time taken, reason (the slot stays)."""
        log = self.get_object()
        form = DoseUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        log = doses.dose_update(
            log=log,
            status=data.get("status", log.status),
            taken_at=data.get("taken_at", log.taken_at),
            skip_reason=data.get("skip_reason", log.skip_reason),
        )
        return Response(DoseSerializer(log).data)

    def perform_destroy(self, instance):
        self.destroy_audited(instance, lambda: doses.dose_delete(log=instance))
