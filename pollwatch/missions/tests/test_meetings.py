"""Pre-election meetings are logged per mission by its staff."""

from pollwatch.accounts.models import AuditEntry
from pollwatch.missions.models import Meeting


def test_analyst_logs_a_meeting_with_findings_and_standards(world, login):
    client = login(world.anna)
    response = client.post("/m/alpha/meetings/", {
        "date": "2023-03-15", "stakeholder_kind": "party", "stakeholders": "Party X leadership",
        "participants": [world.observer_oleg.pk], "summary": "Campaign conditions",
        "findings": "Unequal access to regional TV", "standards": ["media", "campaign"],
        "group": world.ipa.pk, "place": "Astana",
    })
    assert response.status_code == 302
    meeting = Meeting.objects.get(mission=world.alpha)
    assert meeting.created_by == world.anna
    assert meeting.standards == ["media", "campaign"]
    assert list(meeting.participants.all()) == [world.observer_oleg]
    assert AuditEntry.objects.filter(model="missions.Meeting", user=world.anna).exists()
    page = client.get("/m/alpha/meetings/")
    assert "Unequal access to regional TV" in page.content.decode()


def test_meeting_form_reports_missing_fields(world, login):
    response = login(world.alice).post("/m/alpha/meetings/", {"stakeholder_kind": "party"})
    assert response.status_code == 200
    assert Meeting.objects.count() == 0
    assert "This field is required" in response.content.decode()


def test_other_missions_and_observers_cannot_see_meetings(world, login):
    Meeting.objects.create(mission=world.alpha, date="2023-03-14", stakeholder_kind="media",
                           stakeholders="Secret source", summary="x")
    assert login(world.bob).get("/m/alpha/meetings/").status_code == 403
    assert login(world.oleg).get("/m/alpha/meetings/").status_code == 403
    assert "Secret source" not in login(world.bob).get("/m/beta/meetings/").content.decode()
