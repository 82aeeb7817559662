from django.urls import path

from pollwatch.submissions import views as submission_views

from . import openrosa, views
from .sms import views as sms

app_name = "intake"
urlpatterns = [
    # The observer web page (works offline after the first visit).
    path("observe/", views.observe_home, name="observe_home"),
    path("observe/sw.js", views.service_worker, name="observe_sw"),
    path("observe/manifest.webmanifest", views.web_manifest, name="observe_manifest"),
    # SMS gateways' webhooks.
    path("sms/twilio/", sms.twilio, name="sms_twilio"),
    path("sms/telerivet/", sms.telerivet, name="sms_telerivet"),
    path("sms/rapidpro/receive/", sms.rapidpro_channel, name="sms_rapidpro_channel"),
    path("sms/rapidpro/flow/", sms.rapidpro_flow, name="sms_rapidpro_flow"),
    path("sms/generic/", sms.generic, name="sms_generic"),
    # OpenRosa: ODK Collect and Enketo (server URL https://<host>/openrosa).
    path("openrosa/formList", openrosa.form_list, name="openrosa_form_list"),
    path("openrosa/forms/<int:version_id>/form.xml", openrosa.form_xml, name="openrosa_form"),
    path("openrosa/forms/<int:version_id>/manifest", openrosa.manifest, name="openrosa_manifest"),
    path("openrosa/forms/<int:version_id>/media/<str:name>", openrosa.media, name="openrosa_media"),
    path("openrosa/submission", openrosa.submission, name="openrosa_submission"),
    # The quarantine queue.
    path("m/<slug:mission>/quarantine/", views.quarantine_list, name="quarantine"),
    path("m/<slug:mission>/quarantine/<int:report_id>/", views.quarantine_detail,
         name="quarantine_detail"),
    # Exports (streamed).
    path("m/<slug:mission>/exports/", submission_views.export_index, name="exports"),
    path("m/<slug:mission>/exports/<str:what>.<str:fmt>", submission_views.export,
         name="export"),
]
