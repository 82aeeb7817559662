from django.urls import path

from . import views

app_name = "results"
urlpatterns = [
    path("m/<slug:mission>/results/", views.results_home, name="home"),
    path("m/<slug:mission>/results/import/", views.results_import, name="import"),
    path("m/<slug:mission>/results/mappings/", views.mappings, name="mappings"),
    path("m/<slug:mission>/results/batches/<int:batch>/", views.batch_detail, name="batch"),
    path("m/<slug:mission>/results/<slug:contest>/discrepancies/", views.discrepancies, name="discrepancies"),
    path("m/<slug:mission>/results/<slug:contest>/seats/", views.seats, name="seats"),
    path("m/<slug:mission>/results/<slug:contest>/nist.json", views.nist_export, name="nist"),
]
