"""Exports: streamed CSV, XLSX and GeoJSON; a form edited mid-day exported in one file."""

import csv
import io
import json
import uuid

import pytest
from openpyxl import load_workbook

from pollwatch.checklists.models import Form
from pollwatch.checklists.services import create_version, publish_version
from pollwatch.submissions.models import Submission

from .conftest import OPENING

V1 = [
    {"name": "station", "type": "select_one", "choices_from": "stations.csv", "required": True,
     "label": {"en": "Station"}},
    {"name": "queue", "code": "A1", "type": "yes_no", "label": {"en": "Queue?"}},
    {"name": "crowded", "code": "A2", "type": "yes_no", "label": {"en": "Crowded?"}},
    {"name": "assessment", "code": "A3", "type": "integer", "minimum": 1, "maximum": 4,
     "label": {"en": "Assessment"}},
]
# Edited at noon: "crowded" dropped, "secrecy" added in the middle.
V2 = [V1[0], V1[1], {"name": "secrecy", "code": "A4", "type": "yes_no", "label": {"en": "Secret?"}},
      V1[3]]


def body(response):
    assert response.streaming
    return b"".join(response.streaming_content)


def test_form_edited_mid_day_exports_both_versions_in_one_file(world, login, send):
    form = Form.objects.create(mission=world.alpha, code="quick", name="Quick check", kind="voting",
                               phase="voting", sms_keyword="QK")
    publish_version(create_version(form, V1, world.alice), world.alice)
    morning = send(world.observer_oleg, "quick", "71001", {"queue": "yes", "crowded": "yes",
                                                           "assessment": 2})
    publish_version(create_version(form, V2, world.alice), world.alice)
    afternoon = send(world.observer_olga, "quick", "27001", {"queue": "no", "secrecy": "no",
                                                             "assessment": 4})
    assert morning.accepted and afternoon.accepted
    assert (morning.submission.form_version.number, afternoon.submission.form_version.number) == (1, 2)

    response = login(world.alice).get("/m/alpha/exports/submissions.csv?form=quick")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    header = list(rows[0])
    answers = header[header.index("flags") + 1:]
    assert answers == ["queue", "crowded", "assessment", "secrecy"]
    by_version = {row["form_version"]: row for row in rows}
    assert by_version["1"]["crowded"] == "yes" and by_version["1"]["secrecy"] == ""
    assert by_version["2"]["crowded"] == "" and by_version["2"]["secrecy"] == "no"
    assert by_version["2"]["assessment"] == "4" and by_version["2"]["station"] == "27001"


@pytest.fixture
def reports(world, forms, send):
    world.station_astana.latitude, world.station_astana.longitude = 51.128207, 71.430411
    world.station_astana.save()
    send(world.observer_oleg, "opening", "71001", OPENING)
    send(world.observer_olga, "opening", "27001", {**OPENING, "assessment": "bad"})
    send(world.observer_oleg, "incident", "71001", {"category": "security", "severity": "serious",
                                                   "description": "Crowd outside"})
    send(world.observer_oleg, "protocol-majilis-list", "71001", {
        "registered": 2000, "received": 1500, "issued": 1200, "cancelled": 300, "ballots": 1190,
        "invalid": 10, "valid": 1180, "v_amanat": 800, "v_auyl": 200, "v_respublica": 100,
        "v_against_all": 80})


def test_xlsx_export_opens_in_a_spreadsheet(world, reports, login):
    response = login(world.anna).get("/m/alpha/exports/submissions.xlsx?form=opening")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "submission_id" and "assessment" in rows[0]
    assessments = sorted(r[rows[0].index("assessment")] for r in rows[1:])
    assert assessments == ["bad", "good"]
    assert sorted(r[rows[0].index("station")] for r in rows[1:]) == ["27001", "71001"]


def test_geojson_export_places_reports_at_their_stations(world, reports, login):
    response = login(world.alice).get("/m/alpha/exports/submissions.geojson?form=opening")
    collection = json.loads(body(response))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 2
    by_station = {f["properties"]["station"]: f for f in collection["features"]}
    assert by_station["71001"]["geometry"] == {"type": "Point", "coordinates": [71.430411, 51.128207]}
    assert by_station["27001"]["geometry"] is None


def test_incident_and_protocol_exports(world, reports, login):
    client = login(world.alice)
    incidents = list(csv.DictReader(io.StringIO(body(client.get("/m/alpha/exports/incidents.csv")).decode())))
    assert [(i["category"], i["severity"], i["status"]) for i in incidents] == [("security", "serious", "new")]
    protocols = list(csv.DictReader(io.StringIO(body(client.get("/m/alpha/exports/protocols.csv")).decode())))
    assert len(protocols) == 1
    row = protocols[0]
    assert (row["station"], row["received"], row["amanat"], row["reconciles"]) == ("71001", "1500", "800",
                                                                                   "yes")


def test_superseded_revisions_are_exported_on_request(world, reports, send, login):
    first = Submission.objects.get(form__code="opening", station__code="71001")
    send(world.observer_oleg, "opening", "71001", {**OPENING, "assessment": "bad"}, corrects=first.pk)
    client = login(world.alice)
    current = body(client.get("/m/alpha/exports/submissions.csv?form=opening")).decode()
    everything = body(client.get("/m/alpha/exports/submissions.csv?form=opening&all=1")).decode()
    assert len(current.splitlines()) == 3 and len(everything.splitlines()) == 4


def test_export_reads_in_a_constant_number_of_queries(world, forms, login, django_assert_max_num_queries):
    form = forms["opening"]
    version = form.published_version()
    Submission.objects.bulk_create([
        Submission(mission=world.alpha, form=form, form_version=version, station=world.station_astana,
                   observer=world.observer_oleg, team=world.team_ipa, channel="api", key=str(uuid.uuid4()),
                   answers={**OPENING, "station": "71001"}, received_at=world.station_astana.opening_utc())
        for _ in range(300)])
    client = login(world.alice)
    with django_assert_max_num_queries(12):
        rows = body(client.get("/m/alpha/exports/submissions.csv?form=opening")).decode().splitlines()
    assert len(rows) == 301


def test_observers_and_other_missions_cannot_export(world, reports, login):
    assert login(world.oleg).get("/m/alpha/exports/incidents.csv").status_code == 403
    assert login(world.bob).get("/m/alpha/exports/incidents.csv").status_code == 403


def test_export_command_writes_the_same_file(world, reports, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "opening.csv"
    call_command("export", "submissions", mission="alpha", form="opening", format="csv",
                 output=str(target))
    rows = list(csv.DictReader(target.open()))
    assert sorted(r["station"] for r in rows) == ["27001", "71001"]
