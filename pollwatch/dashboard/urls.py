from django.urls import path

from .views import overview

app_name = "dashboard"
urlpatterns = [
    path("", overview.landing, name="landing"),
    path("m/<slug:mission>/", overview.mission_overview, name="mission"),
    path("m/<slug:mission>/stations/", overview.station_list, name="stations"),
    path("m/<slug:mission>/meetings/", overview.meeting_list, name="meetings"),
    path("m/<slug:mission>/audit/", overview.audit_log, name="audit"),
]
