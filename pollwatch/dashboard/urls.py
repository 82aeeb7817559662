from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("m/<slug:mission>/", views.mission_overview, name="mission"),
    path("m/<slug:mission>/stations/", views.station_list, name="stations"),
    path("m/<slug:mission>/meetings/", views.meeting_list, name="meetings"),
    path("m/<slug:mission>/audit/", views.audit_log, name="audit"),
]
