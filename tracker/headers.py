"""No page or download of this app may be kept by a browser or a proxy cache.

Nearly every response shows her record: her pages and downloads, a clinician's view of them,
the pages behind an email link (no login there, the token is the key), even a login or sign-up
form given back with her address in it. A phone or a computer shared in a family keeps what it
caches, and the back button shows it after she logs out. So every response rendered here says
``no-store``; static files are answered by WhiteNoise above this middleware and keep their
long caching (they hold nothing of hers).
"""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
