"""Her babies and her pregnancy (the due date)."""

from rest_framework import mixins

from tracker.api.fields import ApiModelSerializer
from tracker.api.filters import cursor_on
from tracker.api.scoping import RecordViewSet
from tracker.models import Infant, Pregnancy
from tracker.services import family


class InfantSerializer(ApiModelSerializer):
    class Meta:
        model = Infant
        fields = [
            "id",
            "name",
            "birth_at",
            "gestational_weeks",
            "gestational_days",
            "delivery_mode",
            "birth_weight_g",
            "pregnancy",
            "created_at",
        ]
        read_only_fields = ["pregnancy", "created_at"]


class InfantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RecordViewSet,
):
    """Her babies. Adding or correcting one re-dates her trial-preset regimens, as the set-up
    page does; deleting one deletes all of its records."""

    model = Infant
    serializer_class = InfantSerializer
    pagination_class = cursor_on("birth_at")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        infant = Infant(mother=self.mother, **serializer.validated_data)
        serializer.instance = family.infant_save(infant=infant)

    def perform_update(self, serializer):
        infant = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(infant, name, value)
        family.infant_save(infant=infant)

    def perform_destroy(self, instance):
        family.infant_delete(infant=instance)


class PregnancySerializer(ApiModelSerializer):
    class Meta:
        model = Pregnancy
        fields = ["id", "due_date", "created_at"]
        read_only_fields = ["created_at"]


class PregnancyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, RecordViewSet
):
    """Her pregnancy. ``POST`` sets the due date of her current pregnancy (made if she has
    none), and her trial-preset regimens follow it, as on the set-up page."""

    model = Pregnancy
    serializer_class = PregnancySerializer
    pagination_class = cursor_on("due_date")

    def perform_create(self, serializer):
        serializer.instance = family.pregnancy_set_due_date(
            mother=self.mother, due_date=serializer.validated_data["due_date"]
        )
