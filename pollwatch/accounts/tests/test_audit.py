"""Changes to elections, stations, observers and assignments are written to the audit log."""

from pollwatch.accounts.models import AuditEntry
from pollwatch.missions.models import Assignment
from pollwatch.missions.services import assign, unassign


def test_admin_edit_of_a_station_is_logged_with_who_and_what(world, login):
    client = login(world.admin)
    station = world.station_astana
    response = client.post(f"/admin/elections/pollingstation/{station.pk}/change/", {
        "election": world.election.pk, "area": world.astana.pk, "code": station.code,
        "name": station.name, "address": "New address 1",
        "registered_voters": 2222, "kind": "regular", "timezone": "Asia/Almaty",
        "opens_at": "07:00", "closes_at": "20:00",
    })
    assert response.status_code == 302, response.content[:2000]
    entry = AuditEntry.objects.filter(model="elections.PollingStation", object_id=str(station.pk)).first()
    assert entry.user == world.admin
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes["registered_voters"] == [2000, 2222]
    assert entry.changes["address"] == ["", "New address 1"]
    assert "name" not in entry.changes


def test_assignment_changes_are_logged_against_the_mission(world):
    assignment = assign(world.team_ipa, world.station_unassigned, "voting", world.alice)
    created = AuditEntry.objects.filter(model="missions.Assignment", object_id=str(assignment.pk)).first()
    assert (created.action, created.user, created.mission) == ("create", world.alice, world.alpha)
    unassign(assignment, world.alice)
    deleted = AuditEntry.objects.filter(model="missions.Assignment", action="delete").first()
    assert deleted.changes["station_id"] == [world.station_unassigned.pk, None]
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_saving_without_change_writes_nothing(world):
    count = AuditEntry.objects.count()
    assign(world.team_ipa, world.station_astana, "opening", world.alice)  # already assigned
    assert AuditEntry.objects.count() == count


def test_audit_page_is_for_the_missions_coordinators(world, login):
    assign(world.team_ipa, world.station_unassigned, "voting", world.alice)
    page = login(world.alice).get("/m/alpha/audit/")
    assert page.status_code == 200
    assert b"missions.Assignment" in page.content
    assert login(world.anna).get("/m/alpha/audit/").status_code == 403
    assert login(world.bob).get("/m/alpha/audit/").status_code == 403
