from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "pollwatch.statements"
    label = "statements"
