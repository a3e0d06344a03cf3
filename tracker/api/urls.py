"""Every API route: a mother's own resources under ``/api/v1/``, and a clinician's read-only
view of a patient's under ``/api/v1/patients/<mother_id>/``; the schema and its docs."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import Route, SimpleRouter

from tracker.api.doses import DoseViewSet
from tracker.api.feeds import FeedViewSet
from tracker.api.infants import InfantViewSet, PregnancyViewSet
from tracker.api.regimens import RegimenViewSet, ReminderSettingsViewSet
from tracker.api.scoping import patient_variant
from tracker.api.summary import SummaryViewSet
from tracker.api.symptoms import DailyCheckViewSet, SymptomViewSet

#: (prefix, viewset): each is also read, read-only, by a clinician under patients/<mother_id>/.
RESOURCES = [
    ("infants", InfantViewSet),
    ("pregnancies", PregnancyViewSet),
    ("regimens", RegimenViewSet),
    ("doses", DoseViewSet),
    ("feeds", FeedViewSet),
    ("symptoms", SymptomViewSet),
    ("daily-checks", DailyCheckViewSet),
]
PATIENT_PREFIX = r"patients/(?P<mother_id>[0-9]+)/"


class ApiRouter(SimpleRouter):
    """DRF's router, and a PATCH on the list URL for a resource she has one of (``partial_update_list``:
    her reminder settings)."""

    routes = [
        Route(
            url=route.url,
            mapping={**route.mapping, "patch": "partial_update_list"},
            name=route.name,
            detail=route.detail,
            initkwargs=route.initkwargs,
        )
        if isinstance(route, Route) and route.mapping.get("get") == "list"
        else route
        for route in SimpleRouter.routes
    ]


router = ApiRouter()
for prefix, viewset in RESOURCES:
    router.register(prefix, viewset, basename=prefix)
    router.register(PATIENT_PREFIX + prefix, patient_variant(viewset), basename=f"patient-{prefix}")
router.register("reminder-settings", ReminderSettingsViewSet, basename="reminder-settings")
router.register("summary", SummaryViewSet, basename="summary")
router.register(PATIENT_PREFIX + "summary", SummaryViewSet, basename="patient-summary")


@csrf_exempt  # a write to no route is a 404, not a CSRF failure page
def not_found(request, path: str = ""):
    """Any other URL under /api/: a 404 in the API's error shape, not an HTML page."""
    return JsonResponse(
        {"detail": "No API route at this address.", "code": "not_found", "errors": {}}, status=404
    )


app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from the app's static files (drf-spectacular-sidecar); its start-up script is a
    # request of its own (?script), so the page runs under the CSP without inline code.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    re_path(r"^(?P<path>[\s\S]*)$", not_found, name="not_found"),
]
