"""Review states: who may change them (the checked entry points of the dashboard's services),
the history and audit entries they leave, and rejected reports left out of the findings and
statement figures."""

import pytest
from django.core.exceptions import PermissionDenied

from pollwatch.accounts import audit
from pollwatch.accounts.models import AuditEntry
from pollwatch.checklists.models import Form
from pollwatch.dashboard.services.findings import assessments_by_phase
from pollwatch.dashboard.services.review import set_review_state, verify_many
from pollwatch.dashboard.tests.reports import OPENING, install_forms, report
from pollwatch.statements.figures import compute_figure, parse_placeholder
from pollwatch.submissions.aggregates import answer_shares, findings_table
from pollwatch.submissions.models import ReviewState, Submission


@pytest.fixture
def reports(world):
    forms = install_forms(world.alpha)
    good = report(world.alpha, forms["opening"], world.station_astana, world.observer_oleg, OPENING)
    bad = report(world.alpha, forms["opening"], world.station_west, world.observer_olga,
                 {**OPENING, "assessment": "bad", "boxes_sealed": "no"})
    return good, bad


def test_new_submission_is_received(reports):
    assert {s.review_state for s in reports} == {ReviewState.RECEIVED}


def test_staff_verify_and_the_change_is_in_the_history_and_the_audit_log(world, reports):
    good, _bad = reports
    review = set_review_state(good, "verified", world.anna, "checked by phone")

    good.refresh_from_db()
    assert good.review_state == "verified"
    assert (review.previous, review.state, review.by, review.note) == (
        "received", "verified", world.anna, "checked by phone")
    entry = AuditEntry.objects.get(model="submissions.Submission", object_id=str(good.pk))
    assert entry.user == world.anna and entry.mission == world.alpha
    assert entry.changes == {"review_state": ["received", "verified"], "note": [None, "checked by phone"]}


def test_issues_and_rejection_need_a_comment(world, reports):
    good, _bad = reports
    for state in ("has_issues", "rejected"):
        with pytest.raises(ValueError):
            set_review_state(good, state, world.alice, "  ")
    with pytest.raises(ValueError):
        set_review_state(good, "approved", world.alice, "no such state")
    good.refresh_from_db()
    assert good.review_state == "received" and not good.reviews.exists()
    assert not AuditEntry.objects.filter(model="submissions.Submission").exists()


def test_same_state_without_a_note_changes_nothing_and_with_one_adds_a_comment(world, reports):
    good, _bad = reports
    set_review_state(good, "verified", world.alice, "")
    assert set_review_state(good, "verified", world.alice, "") is None
    set_review_state(good, "verified", world.alice, "observer confirmed 06:40")
    assert [(r.state, r.note) for r in good.reviews.order_by("id")] == [
        ("verified", ""), ("verified", "observer confirmed 06:40")]
    assert AuditEntry.objects.filter(model="submissions.Submission").count() == 2


@pytest.mark.parametrize("who", ["oleg", "bob"])
def test_observers_and_staff_of_another_mission_cannot_review(world, reports, who):
    good, _bad = reports
    with pytest.raises(PermissionDenied):
        set_review_state(good, "verified", getattr(world, who), "")
    with pytest.raises(PermissionDenied):
        verify_many(world.alpha, [good.pk], getattr(world, who))
    assert Submission.objects.get(pk=good.pk).review_state == "received"


def test_intake_acting_for_an_observer_cannot_review(world, reports):
    good, _bad = reports
    with pytest.raises(PermissionDenied):
        set_review_state(good, "verified", audit.SystemActor.for_observer(world.observer_oleg), "")
    assert set_review_state(good, "verified", audit.CLI, "") is not None


def test_rejected_report_is_left_out_of_the_findings(world, reports):
    good, bad = reports
    before = answer_shares(world.alpha, "opening", "boxes_sealed", "no")
    assert (before.count, before.base) == (1, 2)

    set_review_state(bad, "rejected", world.alice, "the observer was not at the station")

    after = answer_shares(world.alpha, "opening", "boxes_sealed", "no")
    assert (after.count, after.base, after.answered_ids) == (0, 1, (good.pk,))
    table = findings_table(world.alpha, "opening")
    assert table.observations == 1
    opening = next(r for r in assessments_by_phase(world.alpha) if r.phase == "opening")
    assert (opening.base, opening.counts) == (1, {"good": 1})
    figure = compute_figure(world.alpha, parse_placeholder('share form="opening" question="boxes_sealed" '
                                                           'values="no"'))
    assert (figure.count, figure.base) == (0, 1)


def test_a_report_with_issues_still_counts_until_rejected(world, reports):
    _good, bad = reports
    set_review_state(bad, "has_issues", world.alice, "seal number unreadable")
    assert answer_shares(world.alpha, "opening", "boxes_sealed", "no").base == 2
    set_review_state(bad, "received", world.alice, "")
    assert answer_shares(world.alpha, "opening", "boxes_sealed", "no").count == 1


def test_verify_many_verifies_received_reports_of_the_mission_only(world, reports):
    good, bad = reports
    set_review_state(bad, "rejected", world.alice, "duplicate")
    voting = Form.objects.get(mission=world.alpha, code="voting")
    third = report(world.alpha, voting, world.station_west, world.observer_olga, {"assessment": "good"},
                   channel="sms")

    result = verify_many(world.alpha, [good.pk, bad.pk, third.pk, 999999, "x"], world.anna)

    assert sorted(result.verified) == sorted([good.pk, third.pk]) and result.skipped == 2
    states = dict(Submission.objects.values_list("pk", "review_state"))
    assert states == {good.pk: "verified", bad.pk: "rejected", third.pk: "verified"}
    assert AuditEntry.objects.filter(model="submissions.Submission", user=world.anna).count() == 2
    assert verify_many(world.beta, [good.pk], world.bob).verified == []
