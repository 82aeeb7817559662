from django.urls import path

from .views import (
    analysis,
    coverage,
    findings,
    incidents,
    messages,
    overdue,
    overview,
    people,
    stations,
    submissions,
)
from .views.search import search_page

app_name = "dashboard"
urlpatterns = [
    path("", overview.landing, name="landing"),
    path("m/<slug:mission>/", overview.mission_overview, name="mission"),
    path("m/<slug:mission>/search/", search_page, name="search"),
    path("m/<slug:mission>/stations/", overview.station_list, name="stations"),
    path("m/<slug:mission>/stations/<int:station_id>/", stations.station_page, name="station"),
    path("m/<slug:mission>/stations/code/<str:code>/", stations.station_by_code_page, name="station_by_code"),
    path("m/<slug:mission>/meetings/", overview.meeting_list, name="meetings"),
    path("m/<slug:mission>/audit/", overview.audit_log, name="audit"),
    path("m/<slug:mission>/coverage/", coverage.coverage_page, name="coverage"),
    path("m/<slug:mission>/coverage/data.geojson", coverage.coverage_data, name="coverage_data"),
    path("m/<slug:mission>/overdue/", overdue.overdue_page, name="overdue"),
    path("m/<slug:mission>/incidents/", incidents.incident_board, name="incidents"),
    path("m/<slug:mission>/incidents/<int:incident_id>/", incidents.incident_page, name="incident"),
    path("m/<slug:mission>/incidents/banner/", incidents.critical_banner, name="critical_banner"),
    path("m/<slug:mission>/submissions/", submissions.submissions_page, name="submissions"),
    path("m/<slug:mission>/submissions/<int:submission_id>/", submissions.submission_page, name="submission"),
    path("m/<slug:mission>/findings/", findings.findings_page, name="findings"),
    path("m/<slug:mission>/findings/<slug:form_code>/", findings.findings_drill, name="findings_drill"),
    path("m/<slug:mission>/findings/<slug:form_code>/<str:question>/regions/", findings.findings_regions,
         name="findings_regions"),
    path("m/<slug:mission>/people/", people.people_page, name="people"),
    path("m/<slug:mission>/people/<int:observer_id>/code/", people.issue_code, name="issue_code"),
    path("m/<slug:mission>/messages/", messages.messages_page, name="messages"),
    path("m/<slug:mission>/messages/<int:notice_id>/", messages.notice_page, name="notice"),
    path("observe/notices/", messages.observer_notices, name="observer_notices"),
    path("sms/status/twilio/", messages.twilio_status, name="sms_status_twilio"),
    path("m/<slug:mission>/quick-count/", analysis.quick_count_page, name="quick_count"),
    path("m/<slug:mission>/forensics/", analysis.forensics_page, name="forensics"),
    # The results app's former pages of the same checks; bookmarks and links keep working.
    path("m/<slug:mission>/results/<slug:contest>/quick-count/", analysis.results_quick_count),
    path("m/<slug:mission>/results/<slug:contest>/forensics/", analysis.results_forensics),
]
