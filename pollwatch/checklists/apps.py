from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "pollwatch.checklists"
    label = "checklists"
