from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "pollwatch.elections"
    label = "elections"
