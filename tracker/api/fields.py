"""Serializer fields: times are ISO 8601 with an offset, in and out; a time without one is refused."""

from datetime import UTC

from django.db import models
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MSG_NAIVE = (
    "Give the time with its offset from UTC, like 2026-11-02T09:30:00+01:00 or 2026-11-02T08:30:00Z: "
    "a time without one could be any of several instants."
)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time that must carry an offset (``Z`` or ``±HH:MM``); written out
    in UTC with ``Z``. A time without an offset is refused, never read in some zone."""

    default_error_messages = {"naive": MSG_NAIVE}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(*args, **kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)

    def enforce_timezone(self, value):
        # A value with an offset is kept as that instant, in UTC (and so written out with Z).
        return value.astimezone(UTC) if value.tzinfo is not None else super().enforce_timezone(value)


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "08:00"}
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time of her day, "HH:MM" (no offset: it is local wherever she is)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(*args, **kwargs)


#: Shared descriptions of the fields every record has.
ID_HELP = "The record's id (read-only)."
CREATED_HELP = "When the record was first saved, in UTC (read-only)."
NOTES_HELP = "Free text, as she typed it; blank: none."


class ApiModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose date-times are ``AwareDateTimeField``."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: AwareDateTimeField,
        models.TimeField: LocalTimeField,
    }

    def get_validators(self):
        # Uniqueness is the model's and the services' to check (full_clean, and their catch of a
        # race's IntegrityError), in the forms' words: no second check in the serializer.
        return []


#: The time of a one-tap action sent later (an offline queue): ``tap_times`` checks it.
TAP_AT_HELP = (
    "When she tapped, with an offset (ISO 8601), for a tap sent later from the app's offline queue; "
    "left out: now. At most 2 minutes ahead of the server's clock (a phone's clock drifts) and at "
    "most 48 hours old (older: log it in History with its time). A time without an offset is refused."
)
TAP_AT_EXAMPLE = "2026-11-16T03:12:00+01:00"


@extend_schema_field({"type": "string", "format": "date-time", "example": TAP_AT_EXAMPLE})
class TapTimeField(AwareDateTimeField):
    """The optional ``at`` of a one-tap action: when she tapped."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", TAP_AT_HELP)
        super().__init__(**kwargs)


class TapSerializer(serializers.Serializer):
    """The body of a one-tap action on a record (switch, stop): only, optionally, when."""

    at = TapTimeField()
