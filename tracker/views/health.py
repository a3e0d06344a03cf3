from django.db import connection
from django.http import HttpRequest, HttpResponse

from tracker.roles import public


@public
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
