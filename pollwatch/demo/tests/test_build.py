"""The demo's steps: in one explicit order, each through the services real data uses."""

from pollwatch.accounts.models import AuditEntry
from pollwatch.checklists.models import Form
from pollwatch.demo import build, form_setup, reports, results, statements
from pollwatch.demo.context import Demo
from pollwatch.demo.simulate import fill_day_if_empty
from pollwatch.intake.models import InboundReport
from pollwatch.submissions.models import Submission


def test_the_forms_come_before_the_reports_and_the_reports_before_results_and_statement():
    order = list(build.STEPS)
    assert order.index(form_setup.install_forms) < order.index(reports.report_election_day)
    assert order.index(reports.report_election_day) < order.index(results.add_official_results)
    assert order.index(reports.report_election_day) < order.index(statements.draft_statement)


def test_the_forms_step_installs_and_publishes_the_built_in_forms(world):
    demo = Demo(election=world.election, mission=world.alpha)
    form_setup.install_forms(demo)
    assert Form.objects.filter(mission=world.alpha, template__gt="").count() == 5
    assert "OP opening" in demo.notes[-1]
    entry = AuditEntry.objects.filter(model="checklists.Form", mission=world.alpha).first()
    assert entry.actor == "demo"


def test_a_filled_day_comes_in_by_sms_through_the_intake(world, forms):
    accepted = fill_day_if_empty(world.alpha)
    assert accepted > 0
    submissions = Submission.objects.filter(mission=world.alpha)
    assert submissions.count() == accepted
    assert set(submissions.values_list("channel", flat=True)) == {"sms"}
    assert not submissions.filter(inbound__isnull=True).exists()
    assert InboundReport.objects.filter(channel="sms", status="processed").count() == accepted
