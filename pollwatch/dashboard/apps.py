from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "pollwatch.dashboard"
    label = "dashboard"
