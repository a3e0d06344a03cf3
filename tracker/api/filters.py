"""Filters of the lists (django-filter) and their cursor pagination on each record's time."""

import re

import django_filters
from django import forms
from django.utils.dateparse import parse_datetime
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import extend_schema_field
from rest_framework.pagination import CursorPagination

from tracker.api.fields import MSG_NAIVE

#: A "+01:00" offset sent unencoded in a query string arrives as " 01:00".
_SPACED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class AwareDateTimeFormField(forms.Field):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = _SPACED_OFFSET.sub(r"\1+\2", value.strip())
        try:
            parsed = parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError("Give an ISO 8601 date and time, like 2026-11-02T08:30:00Z.")
        if parsed.tzinfo is None:
            raise forms.ValidationError(MSG_NAIVE)
        return parsed


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.Filter):
    """One of her records by id. Any id is accepted (another mother's finds nothing), so the
    filter tells nobody which ids exist."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
        # The schema's type is the class's; its description, this filter's help_text.
        set_override(self, "field", {**ID_SCHEMA, "description": kwargs.get("help_text", "")})


class AwareDateTimeFilter(django_filters.Filter):
    """An instant with an offset; one without is refused (400), as in request bodies."""

    field_class = AwareDateTimeFormField


class DescribedCursorPagination(CursorPagination):
    """DRF's cursor pagination, with its envelope's fields described in the schema."""

    def get_paginated_response_schema(self, schema):
        envelope = super().get_paginated_response_schema(schema)
        field = self.ordering[0].lstrip("-")
        # DRF's examples name another API (and one ends in a stray quote): ours instead.
        envelope["properties"]["next"].update(
            description="The full URL of the next (older) page, with its opaque cursor; null on the last page.",
            example="https://tracker.example.org/api/v1/feeds/?cursor=cD0yMDI2LTExLTE2",
        )
        envelope["properties"]["previous"].update(
            description="The full URL of the previous (newer) page; null on the first page.",
            example="https://tracker.example.org/api/v1/feeds/?cursor=cj0xJnA9MjAyNi0xMS0xNg%3D%3D",
        )
        envelope["properties"]["results"] = {
            **schema,
            "description": f"At most {self.page_size} records, newest {field} first (then the highest id).",
        }
        return envelope


def cursor_on(field: str, page_size: int = 50) -> type[CursorPagination]:
    """Cursor pagination, newest first, on ``field`` (then the id, so equal times keep an order)."""
    return type(
        f"CursorOn_{field}",
        (DescribedCursorPagination,),
        {
            "ordering": (f"-{field}", "-pk"),
            "page_size": page_size,
        },
    )


class StrictFilterSet(django_filters.FilterSet):
    """A parameter given empty (``?until=``) is refused, not read as "no filter": the request
    said something, and it was not a value."""

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for name in self.filters:
            if name in self.data and self.data.get(name) == "":
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid


class InfantRecordFilter(StrictFilterSet):
    """By baby, and by the time the record started (``since`` inclusive, ``until`` exclusive)."""

    infant = IdFilter(field_name="infant_id", help_text="One baby's records (her id).")


def time_range_filter(model, time_field: str, *, by_infant: bool = True, extra: tuple[str, ...] = ()):
    """A FilterSet for ``model`` with ``since``/``until`` on ``time_field`` (with an offset)."""
    attrs = {
        "since": AwareDateTimeFilter(
            field_name=time_field, lookup_expr="gte", help_text=f"{time_field} at or after this instant."
        ),
        "until": AwareDateTimeFilter(
            field_name=time_field, lookup_expr="lt", help_text=f"{time_field} before this instant."
        ),
        "Meta": type("Meta", (), {"model": model, "fields": [name for name in extra if name != "regimen"]}),
    }
    if "regimen" in extra:
        attrs["regimen"] = IdFilter(field_name="regimen_id", help_text="One regimen's doses (its id).")
    base = InfantRecordFilter if by_infant else StrictFilterSet
    return type(f"{model.__name__}Filter", (base,), attrs)


def checks_filter():
    """Daily checks by baby and by local day (``since``/``until``, both inclusive)."""
    from tracker.models import DailyCheck

    attrs = {
        "since": django_filters.DateFilter(
            field_name="day", lookup_expr="gte", help_text="From this local day."
        ),
        "until": django_filters.DateFilter(
            field_name="day", lookup_expr="lte", help_text="To this local day."
        ),
        "Meta": type("Meta", (), {"model": DailyCheck, "fields": []}),
    }
    return type("DailyCheckFilter", (InfantRecordFilter,), attrs)
