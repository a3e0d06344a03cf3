"""Choosing one of her own records in a request body: another mother's id reads as unknown."""

from rest_framework import serializers


class HerRecordField(serializers.PrimaryKeyRelatedField):
    """The id of one of the requesting mother's ``model`` rows (with ``select_related``)."""

    def __init__(self, model, *, select_related: tuple[str, ...] = ("mother",), **kwargs):
        self.model = model
        self.related = select_related
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # An id no row can have (past a 64-bit integer) is unknown, not a database error.
        if isinstance(data, int) and not isinstance(data, bool) and not 0 < data < 2**63:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)

    def get_queryset(self):
        mother = self.context.get("mother")
        if mother is None:
            return self.model.objects.none()
        return self.model.objects.for_mother(mother).select_related(*self.related)
