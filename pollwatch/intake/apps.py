from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "pollwatch.intake"
    label = "intake"

    def ready(self) -> None:
        from . import parsers  # noqa: F401 - registers each channel's reader
