from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "pollwatch.submissions"
    label = "submissions"
