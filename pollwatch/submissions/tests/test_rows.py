"""The hot path's statements written without the ORM read and write exactly what the ORM would."""

import datetime as dt
import decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pollwatch.elections.models import PollingStation
from pollwatch.intake.models import InboundReport
from pollwatch.submissions import catalog, rows
from pollwatch.submissions.models import Submission


def test_instances_equal_what_the_orm_reads(world):
    station = PollingStation.objects.get(code="71001")
    station.latitude, station.longitude = decimal.Decimal("51.128207"), decimal.Decimal("71.430420")
    station.opens_at = dt.time(7, 30)
    station.save()
    [read] = rows.instances(PollingStation, "election_id = %s AND code = %s", [world.election.pk, "71001"])
    expected = PollingStation.objects.get(pk=station.pk)
    for field in PollingStation._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
        assert type(getattr(read, field.attname)) is type(getattr(expected, field.attname)), field.name
    assert not read._state.adding


def test_a_cached_station_brings_its_area_and_region_without_a_query(world):
    station = catalog.station_by_code(world.election.pk, "71001")
    with CaptureQueriesContext(connection) as queries:
        assert station.area.code == "71" and station.region.code == "71"
    assert queries.captured_queries == []
    assert catalog.station_by_code(world.election.pk, "99999") is None


def _report(world, key):
    return InboundReport(channel="api", mission=world.alpha, observer=world.observer_oleg,
                         sender="test", key=key, payload="{}", received_at=dt.datetime.now(dt.UTC),
                         status=InboundReport.Status.PROCESSED)


def test_insert_pair_stores_both_rows_linked(world, forms):
    report = _report(world, "pair-1")
    version = forms["opening"].versions.get()
    submission = Submission(mission=world.alpha, form=forms["opening"], form_version=version,
                            channel="api", key="pair-1", answers={"a": 1},
                            received_at=report.received_at, flags=[{"code": "late"}])
    rows.insert_pair(report, submission, "inbound")
    stored = Submission.objects.get(pk=submission.pk)
    assert stored.inbound_id == report.pk == InboundReport.objects.get(key="pair-1").pk
    assert stored.answers == {"a": 1} and stored.flags == [{"code": "late"}]
    assert not report._state.adding and not submission._state.adding


def test_insert_row_sets_the_primary_key(world):
    report = _report(world, "row-1")
    rows.insert_row(report)
    assert InboundReport.objects.get(pk=report.pk).key == "row-1"
