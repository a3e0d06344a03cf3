"""One JSON shape for every error the API answers, documented in the schema.

``{"detail": "a sentence", "code": "invalid", "errors": {"field": ["message", …]}}``: ``errors``
holds the field errors of a 400 (``non_field_errors`` for the request as a whole) and is empty
otherwise. A model's ``ValidationError`` raised by a service comes back the same way (a 400,
never a 500), so the API refuses what the forms refuse, in the forms' words."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler

MSG_INVALID = "Some values were not accepted: see errors."


def _as_field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field" or "field.sub": [messages]}``."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and detail and not all(isinstance(item, str) for item in detail):
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_as_field_errors(exc))
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: a 500, as anywhere else
    if isinstance(exc, exceptions.ValidationError):
        body = {"detail": MSG_INVALID, "code": "invalid", "errors": _flatten(exc.detail)}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = {"detail": str(detail), "code": code, "errors": {}}
    response.data = body
    return response


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence for a person.")
    code = serializers.CharField(help_text="A stable machine-readable code: invalid, not_found, throttled…")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field errors of a 400: field name (or non_field_errors) to messages. Empty otherwise.",
    )
