"""The services ask the access layer, with the actor they are given: a person's role, or the
system; an unknown actor (a bare string, None, an anonymous user) is never let through."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pollwatch.accounts import access
from pollwatch.accounts.audit import CLI, System, SystemActor
from pollwatch.accounts.models import AuditEntry
from pollwatch.factories import UserFactory
from pollwatch.intake import services as intake
from pollwatch.intake.models import InboundReport
from pollwatch.statements import services as statements
from pollwatch.statements.models import Finding, Statement


def _quarantined(world, mission=None):
    return InboundReport.objects.create(mission=mission or world.alpha, channel="sms", key="sms:layer",
                                        payload="OP 1", status=InboundReport.Status.QUARANTINED,
                                        reason="test", received_at=timezone.now())


@pytest.mark.parametrize("actor", ["cli", "", None, AnonymousUser(), object()])
def test_an_unknown_actor_cannot_write_or_decide_a_statement(world, actor):
    with pytest.raises(PermissionDenied):
        statements.create_finding(world.alpha, actor, title="t", text="x", phase="voting")
    statement = statements.create_statement(world.alpha, world.anna, group=world.ipa)
    with pytest.raises(PermissionDenied):
        statements.approve_statement(statement, actor)
    assert not Finding.objects.exists()
    assert Statement.objects.get().status == Statement.Status.DRAFT


def test_the_system_acts_and_is_named_in_the_audit_log(world):
    finding = statements.create_finding(world.alpha, CLI, title="t", text="x", phase="voting")
    entry = AuditEntry.objects.filter(model=Finding._meta.label, object_id=str(finding.pk)).get()
    assert entry.user is None and entry.actor == "cli"
    assert SystemActor.for_observer(world.observer_oleg).label == f"observer:{world.observer_oleg.pk}"
    assert SystemActor(System.DEMO).label == "demo"


def test_a_group_named_coordinator_without_the_role_decides_nothing(world):
    outsider = UserFactory(username="named")
    world.ipa.coordinator = outsider
    world.ipa.save(update_fields=["coordinator"])
    statement = statements.create_statement(world.alpha, world.anna, group=world.ipa)
    assert not access.is_group_coordinator(outsider, world.ipa)
    with pytest.raises(PermissionDenied):
        statements.approve_statement(statement, outsider)
    assert Statement.objects.get().status == Statement.Status.DRAFT
    # The group's coordinator with the role does.
    assert access.is_group_coordinator(world.alice, world.ipa)
    statements.approve_statement(statement, world.alice)


def test_an_analyst_cannot_discard_or_reprocess_a_quarantined_report(world):
    report = _quarantined(world)
    for actor in (world.anna, world.bob, world.oleg, "cli"):
        with pytest.raises(PermissionDenied):
            intake.discard_report(report, "spam", actor)
        with pytest.raises(PermissionDenied):
            intake.reprocess_report(report, "OP 2", actor)
    report.refresh_from_db()
    assert report.status == InboundReport.Status.QUARANTINED and report.payload == "OP 1"
    intake.discard_report(report, "spam", world.alice)
    report.refresh_from_db()
    assert report.status == InboundReport.Status.DISCARDED and report.handled_by == world.alice


def test_a_coordinator_cannot_attribute_a_report_to_another_missions_observer(world):
    report = _quarantined(world, world.beta)
    with pytest.raises(PermissionDenied):
        intake.reprocess_report(report, "OP 2", world.bob, observer=world.observer_oleg)
    report.refresh_from_db()
    assert report.observer is None and report.mission == world.beta and report.attempts == 0


def test_a_report_of_no_mission_is_handled_by_an_administrator_only(world):
    report = InboundReport.objects.create(channel="sms", key="sms:nomission", payload="OP 1",
                                          status=InboundReport.Status.QUARANTINED, reason="unknown sender",
                                          received_at=timezone.now())
    with pytest.raises(PermissionDenied):
        intake.discard_report(report, "spam", world.alice)
    intake.discard_report(report, "spam", world.admin)
    report.refresh_from_db()
    assert report.status == InboundReport.Status.DISCARDED
