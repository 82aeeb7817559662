"""A finding in each of the mission's languages: a version per language, "needs translation"
until a person writes it (and again when the original changes), and no statement published in
a language whose texts are missing."""

import pytest

from pollwatch.statements.services import (
    WorkflowError,
    approve_finding,
    create_finding,
    create_statement,
    place_finding,
    publication_problems,
    publish_statement,
    review_finding,
    save_statement_text,
    submit_finding,
    translate_finding,
    update_finding,
)
from pollwatch.statements.translations import State, finding_version

from .helpers import NEGATIVE_VOTING, voting_reports


def _finding(world, **fields):
    return create_finding(world.alpha, world.anna, title="Queues", phase="voting",
                          text=f"Voting was assessed negatively in {NEGATIVE_VOTING}.", **fields)


def _approved(world):
    finding = _finding(world)
    submit_finding(finding, world.anna)
    review_finding(finding, world.alice, accept=True)
    return approve_finding(finding, world.alice)


def test_a_version_needs_translation_until_written_and_again_when_the_original_changes(world):
    voting_reports(world)
    finding = _finding(world)
    assert finding.language == "en"
    assert finding_version(finding, "en").state == State.ORIGINAL
    assert finding_version(finding, "ru").state == State.MISSING

    translate_finding(finding, world.anna, "ru", title="Очереди",
                      text=f"Голосование оценено отрицательно в {NEGATIVE_VOTING}.")
    ru = finding_version(finding, "ru")
    assert (ru.title, ru.state) == ("Очереди", State.WRITTEN)

    update_finding(finding, world.anna, text="Long queues at noon.")
    assert finding_version(finding, "ru").state == State.OUTDATED


def test_a_finding_is_written_in_a_language_of_the_mission(world):
    with pytest.raises(ValueError, match="not a language of this mission"):
        _finding(world, language="de")
    finding = _finding(world, language="ru")
    assert finding_version(finding, "en").state == State.MISSING
    with pytest.raises(ValueError, match="edit it instead"):
        translate_finding(finding, world.anna, "ru", title="x", text="y")


def test_a_translation_naming_an_unknown_question_is_refused(world):
    voting_reports(world)
    finding = _finding(world)
    with pytest.raises(ValueError, match="no question 'mood'"):
        translate_finding(finding, world.anna, "ru", title="Очереди",
                          text='{{ share form="voting" question="mood" values="bad" }}')
    assert finding.translations == {}


def test_a_statement_is_not_published_in_a_language_with_missing_texts(world):
    voting_reports(world)
    finding = _approved(world)
    statement = create_statement(world.alpha, world.anna, group=world.ipa, slug="preliminary",
                                 languages=["en", "ru"])
    save_statement_text(statement, world.anna, "en", title="Preliminary", sections={"summary": "Calm."})
    save_statement_text(statement, world.anna, "ru", title="Предварительное", sections={})
    place_finding(statement, finding, world.anna)

    problems = publication_problems(statement)
    assert "Russian: the section 'Summary' is written in another language only" in problems
    assert "Russian: the finding 'Queues' needs translation" in problems
    assert not any(p.startswith("English") for p in problems)
    with pytest.raises(WorkflowError, match="needs translation"):
        publish_statement(statement, world.alice)

    save_statement_text(statement, world.anna, "ru", title="Предварительное", sections={"summary": "Спокойно."})
    translate_finding(finding, world.anna, "ru", title="Очереди",
                      text=f"Голосование оценено отрицательно в {NEGATIVE_VOTING}.")
    assert publication_problems(statement) == []
    publication = publish_statement(statement, world.alice)
    russian = publication.documents.get(language="ru").html
    english = publication.documents.get(language="en").html
    assert "<h1>Предварительное</h1>" in russian and "<h4>Очереди" in russian   # the statement's title, the finding's
    assert "Очереди" in russian and "25\xa0% из 4 наблюдений" in russian
    assert "Queues" not in russian and "assessed" not in russian
    assert "Queues" in english and "25 per cent of 4 observations" in english


def test_the_finding_page_shows_each_language_and_saves_a_translation(world, login):
    finding = _finding(world)
    client = login(world.anna)
    page = client.get(f"/m/alpha/statements/findings/{finding.pk}/").content.decode()
    assert 'id="version-ru"' in page and "needs translation" in page

    response = client.post(f"/m/alpha/statements/findings/{finding.pk}/translate/", {
        "language": "ru", "ru-title": "Очереди", "ru-text": "Длинные очереди в полдень."})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.translations["ru"]["title"] == "Очереди"
    assert finding_version(finding, "ru").state == State.WRITTEN


def test_the_preview_marks_a_finding_that_needs_translation(world, login):
    voting_reports(world)
    finding = _approved(world)
    statement = create_statement(world.alpha, world.anna, group=world.ipa, slug="preliminary",
                                 languages=["en", "ru"])
    place_finding(statement, finding, world.anna)
    client = login(world.anna)
    russian = client.get(f"/m/alpha/statements/{statement.slug}/?lang=ru").content.decode()
    english = client.get(f"/m/alpha/statements/{statement.slug}/?lang=en").content.decode()
    assert "needs translation" in russian or "нужен перевод" in russian
    assert "Queues" in english


def test_a_statement_bears_its_chosen_date_and_the_pdf_its_letterhead_and_trace(world, settings):
    import datetime as dt

    from pollwatch.statements.services import _documents  # noqa: F401 - the PDF is rendered there

    voting_reports(world)
    world.alpha.letterhead = {"en": "Inter-Parliamentary Assembly\nObserver Mission"}
    world.alpha.save()
    pages = []
    settings.SITE_URL = "https://mission.example"
    from pollwatch.statements import services
    real = services.render_pdf

    def keep(html):
        pages.append(html)
        return real(html)

    services.render_pdf, restore = keep, services.render_pdf
    try:
        statement = create_statement(world.alpha, world.anna, group=world.ipa, slug="preliminary",
                                     languages=["en"], dated=dt.date(2023, 3, 20))
        save_statement_text(statement, world.anna, "en", title="Preliminary",
                            sections={"voting": f"Negative in {NEGATIVE_VOTING}."})
        publication = publish_statement(statement, world.alice)
    finally:
        services.render_pdf = restore
    assert publication.dated == dt.date(2023, 3, 20)
    assert "20 March 2023" in publication.documents.get(language="en").html
    html = pages[0]
    assert '<header class="letterhead"><p>Inter-Parliamentary Assembly</p><p>Observer Mission</p>' in html
    assert '<span class="figure-note">https://mission.example/statements/alpha/preliminary/figures/' in html
    assert "https://mission.example/statements/alpha/preliminary/?v=1" in html and "<svg" in html
