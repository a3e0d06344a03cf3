from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Probiotic and feeding tracker"

    def ready(self) -> None:
        from tracker import closed_days

        closed_days.connect()
