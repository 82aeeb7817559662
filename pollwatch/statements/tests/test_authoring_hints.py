"""Writing figures: the hints name the mission's real questions, and a figure naming a form,
question or answer the mission does not have is an error that names it."""

from pollwatch.statements.models import Finding
from pollwatch.statements.services import create_statement, publication_problems, save_statement_text
from pollwatch.submissions.tests.observations import ASSESSMENT, make_form

from .helpers import voting_reports


def test_the_hint_names_the_assessment_question_the_mission_has(world, login):
    make_form(world.alpha, "voting", phase="voting", questions=[("assessment", "select_one", ASSESSMENT)])
    statement = create_statement(world.alpha, world.anna, group=world.ipa, slug="preliminary")
    client = login(world.anna)

    edit = client.get(f"/m/alpha/statements/{statement.slug}/edit/").content.decode()
    findings = client.get("/m/alpha/statements/findings/").content.decode()
    for page in (edit, findings):
        assert "question=&quot;assessment&quot;" in page
        assert "question=&quot;overall&quot;" not in page


def test_a_finding_naming_an_unknown_question_is_refused_with_its_name(world, login):
    voting_reports(world)
    client = login(world.anna)
    response = client.post("/m/alpha/statements/findings/", {
        "title": "Queues", "phase": "voting",
        "text": 'Bad in {{ share form="voting" question="mood" values="bad" }}.'})

    assert response.status_code == 200
    assert "has no question &#x27;mood&#x27;" in response.content.decode()
    assert not Finding.objects.exists()


def test_an_answer_the_question_does_not_offer_is_an_error_not_a_zero(world):
    voting_reports(world)
    statement = create_statement(world.alpha, world.anna, group=world.ipa, slug="preliminary")
    save_statement_text(statement, world.anna, "en", title="Preliminary", sections={
        "voting": 'Negative in {{ share form="voting" question="overall" values="terrible" }}.',
        "summary": 'Seen at {{ stations form="exit_poll" }} stations.'})

    problems = " ".join(publication_problems(statement))
    assert "has no answer 'terrible' (answers: very_good, good, bad, very_bad)" in problems
    assert "no form 'exit_poll'" in problems
    assert "no observation answered" not in problems


def test_the_edit_page_lists_figures_that_name_nothing(world, login):
    voting_reports(world)
    statement = create_statement(world.alpha, world.anna, group=world.ipa, slug="preliminary")
    save_statement_text(statement, world.anna, "en", title="Preliminary", sections={
        "voting": 'Negative in {{ share form="voting" question="mood" values="bad" }}.'})

    page = login(world.anna).get(f"/m/alpha/statements/{statement.slug}/edit/?lang=en").content.decode()
    assert 'class="error"' in page and "has no question &#x27;mood&#x27;" in page
