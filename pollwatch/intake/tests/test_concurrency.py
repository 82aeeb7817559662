"""Two identical reports at the same moment are stored once; two observers' reports for one
station at the same moment are both merged. Needs real concurrent connections: PostgreSQL."""

import json
import threading
import uuid

import pytest
from django.db import connection, connections

from pollwatch.intake.models import InboundReport
from pollwatch.intake.services import content_hash, receive
from pollwatch.submissions.models import StationRecord, Submission

from .conftest import opening_answers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite in tests is one in-memory connection; run with DATABASE_URL=postgres://...")


def report_for(observer, key, answers):
    body = {"key": key, "form": "opening", "station": "71001", "answers": answers}
    return InboundReport(channel="api", mission=observer.mission, observer=observer,
                         sender=f"observer:{observer.pk}", key=key,
                         content_hash=content_hash("json", observer.pk, body), payload=json.dumps(body))


def at_once(*calls):
    """Run the calls in threads released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


def test_identical_reports_at_the_same_moment_are_stored_once(world, forms):
    key = str(uuid.uuid4())
    observer = world.observer_oleg
    results = at_once(*[lambda: receive(report_for(observer, key, opening_answers()))] * 6)
    assert all(r.accepted for r in results)
    assert sum(not r.replayed for r in results) == 1
    assert len({r.submission.pk for r in results}) == 1
    assert Submission.objects.count() == 1
    assert InboundReport.objects.count() == 1
    assert InboundReport.objects.get().retries == 5


def test_same_key_other_content_at_the_same_moment_one_wins_one_is_refused(world, forms):
    key = str(uuid.uuid4())
    observer = world.observer_oleg
    results = at_once(lambda: receive(report_for(observer, key, opening_answers())),
                      lambda: receive(report_for(observer, key, opening_answers(assessment="bad"))))
    assert sorted(r.status for r in results) == ["accepted", "refused"]
    assert Submission.objects.count() == 1


def test_two_observers_reports_for_one_station_at_once_are_both_merged(world, forms):
    from pollwatch.missions.models import Observer
    from pollwatch.missions.services import add_team_member

    omar = Observer.objects.create(mission=world.alpha, group=world.ipa, full_name="Omar",
                                   phone="+77011234503")
    add_team_member(world.team_ipa, omar, "test")
    results = at_once(
        lambda: receive(report_for(world.observer_oleg, str(uuid.uuid4()), opening_answers())),
        lambda: receive(report_for(omar, str(uuid.uuid4()), opening_answers(boxes_sealed="no"))))
    assert all(r.accepted and not r.replayed for r in results)
    record = StationRecord.objects.get()
    assert record.submission_count == 2 and record.state == "conflict"
    assert set(record.conflicts) == {"boxes_sealed"}
