"""The demo's election day on the test world: every channel, quarantine, conflicts, protocols."""

from pollwatch.demo.context import Demo
from pollwatch.demo.reports import report_election_day
from pollwatch.intake.models import InboundReport
from pollwatch.submissions.models import Incident, ObservedProtocol, StationRecord, Submission


def test_simulated_election_day_goes_through_every_channel(world, forms):
    summary = report_election_day(Demo(world.election, world.alpha))
    channels = set(Submission.objects.values_list("channel", flat=True))
    assert {"sms", "openrosa"} & channels and ({"web", "api"} & channels)
    assert summary["accepted"] == Submission.objects.count()
    assert not Submission.objects.filter(inbound__isnull=True).exists()   # all through the intake
    quarantined = InboundReport.objects.filter(status="quarantined")
    reasons = set(quarantined.values_list("meta__rejection", flat=True))
    assert {"unknown_sender", "invalid_answers", "unknown_form"} <= reasons
    assert Incident.objects.filter(severity="critical", status="escalated").exists()
    assert ObservedProtocol.objects.exists()
    assert StationRecord.objects.filter(mission=world.alpha).exists()
    # Deterministic: the same seed gives the same day.
    first = sorted(Submission.objects.values_list("key", flat=True))
    assert len(first) == len(set(first))


def test_received_times_are_on_election_day_in_utc(world, forms):
    report_election_day(Demo(world.election, world.alpha))
    for moment in Submission.objects.values_list("received_at", flat=True):
        assert moment.tzinfo is not None
        assert moment.date().isoformat() in {"2023-03-19", "2023-03-18", "2023-03-20"}
