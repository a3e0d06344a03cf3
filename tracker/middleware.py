"""Each role sees its own pages: a clinician reads mothers' records only through her grants."""

from django.http import Http404

#: Pages of the tracker a clinician account may open besides her own ``clinician_*`` ones:
#: the home page (it sends her to her patients), accepting an invitation, the health check.
CLINICIAN_MAY_OPEN = {"today", "invite_accept", "healthz"}


def is_mother_page(resolver_match) -> bool:
    """A page of the tracker (not accounts or admin) that shows or changes one's own record."""
    name = resolver_match.url_name or ""
    in_tracker = resolver_match.func.__module__.startswith("tracker.views.")
    return in_tracker and not name.startswith("clinician_") and name not in CLINICIAN_MAY_OPEN


class MotherPagesMiddleware:
    """A clinician account gets 404 on a mother's pages (her own empty dashboard, downloads,
    sharing, setup...): she has no record of her own, and a muddled role helps nobody."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        clinician = user is not None and user.is_authenticated and not user.is_mother
        if clinician and request.resolver_match is not None and is_mother_page(request.resolver_match):
            raise Http404("This page is for mothers' own records.")
        return None
