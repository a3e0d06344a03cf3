"""No page or download of this app may be kept by a browser or a proxy cache.

Nearly every response shows her record: her pages and downloads, a clinician's view of them,
the pages behind an email link (no login there, the token is the key), even a login or sign-up
form given back with her address in it. A phone or a computer shared in a family keeps what it
caches, and the back button shows it after she logs out. So every response rendered here says
``no-store``; static files are answered by WhiteNoise above this middleware and keep their
long caching (they hold nothing of hers).
"""

from django.utils.cache import add_never_cache_headers

from tracker.pwa import page_owner


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class PageOwnerMiddleware:
    """Tells the service worker whom a page was rendered for (``X-Page-Owner``, a keyed hash of
    the signed-in user's id; no header when nobody is signed in). It keeps pages for offline use
    only with this header, and drops those of one owner when a page of another comes
    (templates/pwa/sw.js), so a phone shared in a family never shows one mother's Today to the next."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["X-Page-Owner"] = page_owner(user)
        return response
