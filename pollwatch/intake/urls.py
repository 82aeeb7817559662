from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("observe/", views.observe_home, name="observe_home"),
]
