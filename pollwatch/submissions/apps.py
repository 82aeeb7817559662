from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "pollwatch.submissions"
    label = "submissions"

    def ready(self) -> None:
        from . import catalog  # noqa: F401 - clears the intake cache when forms or rosters change
