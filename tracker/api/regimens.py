"""Her regimens (with the product and today's slots) and her reminder settings."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.response import Response

from tracker.api.fields import CREATED_HELP, ApiModelSerializer, AwareDateTimeField, LocalTimeField
from tracker.api.filters import cursor_on
from tracker.api.scoping import RecordViewSet
from tracker.localtime import local_today
from tracker.models import DoseLog, Regimen, ReminderSettings, SupplementProduct
from tracker.selectors.slots import regimen_slots_on
from tracker.services import regimens as regimen_services
from tracker.services.reminders import reminder_settings_save


class ProductSerializer(ApiModelSerializer):
    class Meta:
        model = SupplementProduct
        fields = ["name", "brand", "strains", "cfu_per_dose", "form"]
        extra_kwargs = {
            "name": {"help_text": "The product's name: one line, at most 120 characters."},
            "brand": {"help_text": "Its brand: one line, at most 120 characters; blank: not given."},
            "form": {"help_text": "capsule, sachet (sachet or powder), drops, tablet or other."},
        }


class SlotSerializer(serializers.Serializer):
    """One of today's dose slots and how it was answered (``status`` null: not logged yet)."""

    time = LocalTimeField(source="slot.at", help_text='The slot\'s local time, "HH:MM".')
    scheduled_at = AwareDateTimeField(
        source="slot.scheduled_at", help_text="The slot as an instant (her today at that time), in UTC."
    )
    status = serializers.CharField(
        source="log.status",
        allow_null=True,
        default=None,
        help_text="taken or skipped, as logged; null: not logged yet.",
    )
    dose = serializers.IntegerField(
        source="log.pk", allow_null=True, default=None, help_text="The dose log's id; null: not logged yet."
    )


class RegimenSerializer(ApiModelSerializer):
    product = ProductSerializer(help_text="The probiotic she takes, written and read with the regimen.")
    dose_times = serializers.ListField(
        child=serializers.CharField(max_length=5),
        min_length=1,
        max_length=6,
        help_text='Her local dose times, like ["08:00", "20:00"].',
    )
    today_slots = serializers.SerializerMethodField(
        help_text="Her local today's dose slots and how each was answered (read-only)."
    )

    class Meta:
        model = Regimen
        fields = [
            "id",
            "product",
            "preset",
            "pregnancy",
            "doses_per_day",
            "dose_times",
            "start_date",
            "end_date",
            "reminders_enabled",
            "today_slots",
            "created_at",
        ]
        read_only_fields = ["pregnancy", "doses_per_day", "created_at"]
        extra_kwargs = {
            "start_date": {"required": False, "help_text": "Her own dates only; the trial preset sets them."},
            "end_date": {"required": False},
            "id": {"help_text": "The regimen's id."},
            "preset": {
                "help_text": "trial: from the due date - 28 days to 28 days after the birth, dated from "
                "her pregnancy and baby; custom: her own start_date and end_date."
            },
            "pregnancy": {"help_text": "The id of the pregnancy it is for; null when none (read-only)."},
            "doses_per_day": {"help_text": "How many dose_times there are, 1 to 6 (read-only)."},
            "reminders_enabled": {
                "help_text": "Email a reminder at this regimen's dose times (when "
                "her reminder settings send emails)."
            },
            "created_at": {"help_text": CREATED_HELP},
        }

    @extend_schema_field(SlotSerializer(many=True))
    def get_today_slots(self, regimen) -> list[dict]:
        day = local_today(regimen.mother.zone)
        logs = {log.slot_time: log for log in DoseLog.objects.filter(regimen=regimen, slot_date=day)}
        slots = [
            {"slot": slot, "log": logs.get(slot.at)} for slot in regimen_slots_on(regimen=regimen, day=day)
        ]
        return SlotSerializer(slots, many=True).data


class RegimenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RecordViewSet,
):
    """Her regimens, the latest first, each with its product and today's slots. Writes go
    through the set-up page's service: the trial preset's dates follow her due date and the
    birth, and a change of dose times keeps the days before it on their old times."""

    model = Regimen
    serializer_class = RegimenSerializer
    pagination_class = cursor_on("start_date")
    list_select_related = ("mother", "product")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        product = SupplementProduct(mother=self.mother, **data.pop("product"))
        regimen = Regimen(mother=self.mother, **data)
        serializer.instance = regimen_services.regimen_save(regimen=regimen, product=product)

    def perform_update(self, serializer):
        regimen = serializer.instance
        data = dict(serializer.validated_data)
        product = None
        if "product" in data:
            product = regimen.product
            for name, value in data.pop("product").items():
                setattr(product, name, value)
        for name, value in data.items():
            setattr(regimen, name, value)
        if "dose_times" in data:
            regimen.doses_per_day = len(regimen.dose_times)
        regimen_services.regimen_save(regimen=regimen, product=product)


class ReminderSettingsSerializer(ApiModelSerializer):
    regimens = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="The ids of her regimens to email reminders for; the others get none.",
    )

    class Meta:
        model = ReminderSettings
        fields = ["email_enabled", "follow_up", "quiet_start", "quiet_end", "regimens"]
        extra_kwargs = {
            "follow_up": {"help_text": "One more email 60 minutes after a dose she hasn't logged."},
            "quiet_start": {
                "help_text": 'Her quiet hours start, local "HH:MM" (inclusive): no reminder email is sent '
                "in them. Null with quiet_end: no quiet hours; give both or neither."
            },
            "quiet_end": {
                "help_text": 'Her quiet hours end, local "HH:MM" (exclusive); before quiet_start: they '
                "run past midnight. Null with quiet_start: no quiet hours."
            },
        }


class ReminderSettingsViewSet(mixins.ListModelMixin, RecordViewSet):
    """Her reminder settings (one set per mother): ``GET`` reads them, ``PATCH`` changes them."""

    model = ReminderSettings
    serializer_class = ReminderSettingsSerializer
    pagination_class = None
    single_object = True
    http_method_names = ["get", "patch", "head", "options"]

    def _current(self) -> ReminderSettings:
        return ReminderSettings.objects.filter(mother=self.mother).first() or ReminderSettings(
            mother=self.mother
        )

    def _data(self, row: ReminderSettings) -> dict:
        regimens = Regimen.objects.for_mother(self.mother).filter(reminders_enabled=True)
        return {
            **ReminderSettingsSerializer(row).data,
            "regimens": sorted(regimens.values_list("pk", flat=True)),
        }

    @extend_schema(responses={200: ReminderSettingsSerializer})
    def list(self, request, **kwargs):
        return Response(self._data(self._current()))

    @extend_schema(request=ReminderSettingsSerializer, responses={200: ReminderSettingsSerializer})
    def partial_update_list(self, request, **kwargs):
        row = self._current()
        form = ReminderSettingsSerializer(row, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        hers = Regimen.objects.for_mother(self.mother)
        if "regimens" in data:
            wanted = set(data.pop("regimens"))
            chosen = list(hers.filter(pk__in=wanted))
            if len(chosen) != len(wanted):
                raise serializers.ValidationError({"regimens": ["Give the ids of your own regimens."]})
        else:
            chosen = list(hers.filter(reminders_enabled=True))
        for name, value in data.items():
            setattr(row, name, value)
        reminder_settings_save(settings_row=row, regimens=chosen)
        return Response(self._data(row))
