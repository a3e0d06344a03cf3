"""The OpenAPI schema: every operation lists the error answers it can give, in the one shape."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from tracker.api.errors import ErrorSerializer

ERRORS = {
    "400": "Field errors: `errors` maps each field (or non_field_errors) to its messages.",
    "401": "No valid token or session.",
    "404": "Not hers, not shared with you (or no longer), or no such record.",
    "429": "Too many requests: wait the Retry-After seconds.",
}
WRITE_ERRORS = {"422": "The Idempotency-Key was used for another request."}
#: One example body per error status, as the API answers it.
ERROR_EXAMPLES = {
    "400": {
        "detail": "Some values were not accepted: see errors.",
        "code": "invalid",
        "errors": {
            "started_at": ["That time is in the future. You can log things up to 5 minutes ahead, not more."]
        },
    },
    "401": {"detail": "Unknown API token.", "code": "authentication_failed", "errors": {}},
    "404": {"detail": "No feeding session with that id.", "code": "not_found", "errors": {}},
    "429": {
        "detail": "Request was throttled. Expected available in 12 seconds.",
        "code": "throttled",
        "errors": {},
    },
    "422": {
        "detail": "This Idempotency-Key was already used for another request (another method, path or body). "
        "Use a new key for a new request.",
        "code": "idempotency_key_reused",
        "errors": {},
    },
}


#: Printable ASCII, not starting or ending with a space (HTTP would strip it).
KEY_PATTERN = "^[!-~]([ -~]*[!-~])?$"


#: The path parameters' descriptions (drf-spectacular leaves a path typed by its regex undescribed).
PATH_PARAMETERS = {
    "id": "The record's id: one of hers, or of a mother whose record is shared with you.",
    "mother_id": "The id of a mother whose record is shared with you (your active grant).",
}


class ApiAutoSchema(AutoSchema):
    def _is_list_view(self, serializer=None) -> bool:
        # Her reminder settings and the summary answer one object on their list URL.
        return False if getattr(self.view, "single_object", False) else super()._is_list_view(serializer)

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if not parameter.get("description") and parameter["name"] in PATH_PARAMETERS:
                parameter["description"] = PATH_PARAMETERS[parameter["name"]]
        return parameters

    def get_override_parameters(self):
        params = super().get_override_parameters()
        if self.method in {"POST", "PATCH", "PUT", "DELETE"}:
            params = [
                *params,
                OpenApiParameter(
                    "Idempotency-Key",
                    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
                    OpenApiParameter.HEADER,
                    description="Any unique string (a UUID): the same key within 24 h returns the first "
                    "answer and writes nothing.",
                ),
            ]
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        extra = dict(ERRORS)
        if self.method in {"POST", "PATCH", "PUT", "DELETE"}:
            extra.update(WRITE_ERRORS)
        for code, description in extra.items():
            if code not in responses:
                example = OpenApiExample(f"error {code}", value=ERROR_EXAMPLES[code], status_codes=[code])
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description, examples=[example]),
                    code,
                    direction=direction,
                )
        return responses
