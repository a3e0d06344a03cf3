"""System checks of the deployment: what ``manage.py check --deploy`` warns about."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs) -> list[Warning]:
    """The dashboard's month versions live in the cache (``tracker.day_totals``): a write in one
    web process renews them in that process only. With several web processes and a cache each,
    another process could show a past day as it was before an edit."""
    if settings.CACHES["default"]["BACKEND"] not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The cache is each process's own memory (no CACHE_URL).",
            hint="Set CACHE_URL (redis://...) when more than one web process serves the app: "
            "an edit of a past day renews the dashboard's cached months in one process only.",
            id="tracker.W001",
        )
    ]
