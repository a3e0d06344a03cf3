"""Her babies and her pregnancy (the due date)."""

from rest_framework import mixins

from tracker.api.fields import CREATED_HELP, ApiModelSerializer
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
        extra_kwargs = {
            "id": {"help_text": "The baby's id (read-only)."},
            "name": {"help_text": "The baby's name or nickname: one line, at most 60 characters."},
            "birth_at": {
                "help_text": "When the baby was born (an instant: with an offset in, UTC out). Not in the "
                "future, at most 3 years ago, and fitting the due date of her pregnancy, when one is linked."
            },
            "gestational_weeks": {"help_text": "Gestational age at birth: whole weeks, 22 to 44."},
            "gestational_days": {
                "help_text": "And days beyond those weeks, 0 to 6 (39 weeks and 4 days: 39 and 4)."
            },
            "delivery_mode": {"help_text": "How the baby was born: vaginal or caesarean."},
            "birth_weight_g": {"help_text": "Birth weight in grams, 300 to 7000; null: not given."},
            "pregnancy": {
                "help_text": "The id of the pregnancy the baby was born of; null when none (read-only)."
            },
            "created_at": {"help_text": CREATED_HELP},
        }


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
        extra_kwargs = {
            "id": {"help_text": "The pregnancy's id (read-only)."},
            "created_at": {"help_text": CREATED_HELP},
        }


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
