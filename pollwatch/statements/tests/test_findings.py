"""Findings: written by analysts, reviewed by someone else, approved by a coordinator."""

import pytest
from django.core.exceptions import PermissionDenied

from pollwatch.accounts.models import AuditEntry
from pollwatch.missions.models import Meeting
from pollwatch.statements.models import Finding, FindingEvidence
from pollwatch.statements.services import (
    WorkflowError,
    add_evidence,
    approve_finding,
    create_finding,
    review_finding,
    submit_finding,
    update_finding,
)
from pollwatch.submissions.tests.observations import observe, voting_form


def _finding(world, **kwargs):
    return create_finding(world.alpha, world.anna, **{
        "title": "Secrecy of the vote", "text": "Booths were badly placed.", "phase": "voting",
        "standards": ["secrecy", "cis"], "group": world.ipa, **kwargs})


def test_a_finding_goes_from_draft_through_review_to_approval(world):
    finding = _finding(world)
    assert finding.status == "draft" and finding.created_by == world.anna
    submit_finding(finding, world.anna)
    with pytest.raises(WorkflowError, match="someone other than its author"):
        review_finding(finding, world.anna, accept=True)
    review_finding(finding, world.alice, accept=True, note="Checked against the forms.")
    with pytest.raises(PermissionDenied):
        approve_finding(finding, world.anna)
    approve_finding(finding, world.alice)
    finding.refresh_from_db()
    assert (finding.status, finding.reviewed_by, finding.approved_by) == ("approved", world.alice, world.alice)
    assert finding.approved_at is not None
    steps = AuditEntry.objects.filter(model="statements.Finding", object_id=str(finding.pk))
    assert steps.count() == 4  # created, submitted, reviewed, approved


def test_a_finding_sent_back_needs_a_reason_and_becomes_editable(world):
    finding = _finding(world)
    submit_finding(finding, world.anna)
    with pytest.raises(ValueError, match="say why"):
        review_finding(finding, world.alice, accept=False)
    review_finding(finding, world.alice, accept=False, note="Give the figures.")
    update_finding(finding, world.anna, text="Booths badly placed in 3 of 10 observations.")
    assert Finding.objects.get().text.startswith("Booths badly placed in 3")


def test_only_a_draft_is_edited_and_steps_keep_their_order(world):
    finding = _finding(world)
    with pytest.raises(WorkflowError):
        approve_finding(finding, world.alice)
    submit_finding(finding, world.anna)
    with pytest.raises(WorkflowError, match="only a draft"):
        update_finding(finding, world.anna, title="x")


def test_standards_come_from_the_missions_taxonomy(world):
    with pytest.raises(ValueError, match="not standards of this mission: nonsense"):
        _finding(world, standards=["secrecy", "nonsense"])
    assert _finding(world).standard_labels() == ["Secret ballot, honest count", "CIS standards"]


def test_evidence_links_the_missions_own_submissions_meetings_and_analyses(world):
    finding = _finding(world)
    mine = observe(world.alpha, voting_form(world.alpha), world.station_astana, world.observer_oleg, {})
    theirs = observe(world.beta, voting_form(world.beta), world.station_astana, None, {})
    meeting = Meeting.objects.create(mission=world.alpha, date="2023-03-14", stakeholder_kind="party",
                                     stakeholders="Party A", summary="Met.")
    add_evidence(finding, world.anna, submission=mine)
    add_evidence(finding, world.anna, meeting=meeting, note="on media access")
    add_evidence(finding, world.anna, reference="/m/alpha/results/majilis-list/discrepancies/")
    with pytest.raises(ValueError, match="another mission"):
        add_evidence(finding, world.anna, submission=theirs)
    with pytest.raises(ValueError, match="path of its page"):
        add_evidence(finding, world.anna, reference="quick count")
    assert list(finding.evidence.values_list("kind", flat=True)) == ["submission", "meeting", "analysis"]


def test_analyst_writes_a_finding_on_the_page(world, login):
    client = login(world.anna)
    response = client.post("/m/alpha/statements/findings/", {"title": "Queues", "text": "Long queues at noon.",
                                                  "phase": "voting", "standards": ["suffrage"]})
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.title, finding.created_by, finding.group) == ("Queues", world.anna, None)
    assert client.post(f"/m/alpha/statements/findings/{finding.pk}/submit/").status_code == 302
    assert Finding.objects.get().status == "in_review"
    page = client.get(f"/m/alpha/statements/findings/{finding.pk}/")
    assert page.status_code == 200 and "Queues" in page.content.decode()


def test_evidence_is_added_on_the_page_by_number(world, login):
    finding = _finding(world)
    submission = observe(world.alpha, voting_form(world.alpha), world.station_astana, None, {})
    client = login(world.anna)
    client.post(f"/m/alpha/statements/findings/{finding.pk}/evidence/", {"kind": "submission", "target": str(submission.pk)})
    assert FindingEvidence.objects.get().submission == submission


@pytest.mark.parametrize("persona", ["oleg", "bob"])
def test_observers_and_other_missions_cannot_see_findings(world, login, persona):
    _finding(world)
    client = login(getattr(world, persona))
    assert client.get("/m/alpha/statements/findings/").status_code == 403
    assert client.post("/m/alpha/statements/findings/", {"title": "x", "text": "y", "phase": "voting"}).status_code == 403
    assert Finding.objects.count() == 1
