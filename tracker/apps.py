from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Probiotic and feeding tracker"

    def ready(self) -> None:
        from tracker import checks, closed_days  # noqa: F401 (checks registers itself)

        closed_days.connect()
