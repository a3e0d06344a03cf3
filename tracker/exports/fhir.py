"""A FHIR R4B JSON Bundle of a mother's record, streamed."""

from django.http import StreamingHttpResponse

from accounts.models import User


def bundle_response(*, mother: User) -> StreamingHttpResponse:
    """Her record as a FHIR ``collection`` Bundle, ``application/fhir+json``."""
    raise NotImplementedError("being written")
