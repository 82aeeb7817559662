from django.urls import path

from . import views

app_name = "statements"
urlpatterns = [
    # Public: published statements only.
    path("statements/", views.public_index, name="public_index"),
    path("statements/<slug:mission>/", views.public_mission, name="public_mission"),
    path("statements/<slug:mission>/<slug:slug>/", views.public_statement, name="public"),
    path("statements/<slug:mission>/<slug:slug>/v<int:number>/<str:language>.pdf", views.public_pdf,
         name="public_pdf"),
    path("statements/<slug:mission>/<slug:slug>/open-data.csv", views.public_open_data,
         name="public_open_data"),
    path("statements/<slug:mission>/<slug:slug>/figures/<str:key>/", views.public_figure,
         name="public_figure"),
    # The mission's staff.
    # /m/<mission>/findings/ is the dashboard's table of answer shares; the findings analysts
    # write for statements live under statements/ (a statement's slug is never "findings").
    path("m/<slug:mission>/statements/findings/", views.finding_list, name="findings"),
    path("m/<slug:mission>/statements/findings/<int:finding>/", views.finding_detail, name="finding"),
    path("m/<slug:mission>/statements/findings/<int:finding>/<slug:action>/", views.finding_action,
         name="finding_action"),
    path("m/<slug:mission>/statements/", views.statement_list, name="list"),
    path("m/<slug:mission>/statements/<slug:slug>/", views.statement_detail, name="detail"),
    path("m/<slug:mission>/statements/<slug:slug>/edit/", views.statement_edit, name="edit"),
    path("m/<slug:mission>/statements/<slug:slug>/figures/<str:key>/", views.statement_figure, name="figure"),
    path("m/<slug:mission>/statements/<slug:slug>/do/<slug:action>/", views.statement_action, name="action"),
]
