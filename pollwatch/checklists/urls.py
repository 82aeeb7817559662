from django.urls import path

from . import views

app_name = "checklists"
urlpatterns = [
    path("m/<slug:mission>/forms/", views.form_list, name="forms"),
    path("m/<slug:mission>/forms/upload/", views.upload_form, name="upload"),
    path("m/<slug:mission>/forms/versions/<int:version>/", views.version_detail, name="version"),
    path("m/<slug:mission>/forms/versions/<int:version>/publish/", views.publish, name="publish"),
    path("m/<slug:mission>/forms/versions/<int:version>/retire/", views.retire, name="retire"),
    path("m/<slug:mission>/forms/versions/<int:version>/xform.xml", views.version_xform, name="xform"),
    path("m/<slug:mission>/forms/versions/<int:version>/workbook.xlsx", views.version_workbook,
         name="workbook"),
]
