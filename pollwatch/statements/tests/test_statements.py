"""Statements: built from the template, figures live until published, then frozen."""

import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from PIL import Image

from pollwatch.statements.models import Publication, Statement
from pollwatch.statements.rendering import draft_content, live_figures, render_content
from pollwatch.statements.services import (
    WorkflowError,
    approve_finding,
    approve_statement,
    create_finding,
    create_statement,
    join_statement,
    missing_signoffs,
    place_finding,
    publish_statement,
    reopen_statement,
    review_finding,
    save_statement_text,
    sign_off,
    submit_finding,
)
from pollwatch.statements.template import SECTION_KEYS
from pollwatch.submissions.tests.observations import correct

from .helpers import NEGATIVE_VOTING, emil, voting_reports


def _statement(world, text=f"Voting was assessed negatively in {NEGATIVE_VOTING}.", **kwargs):
    statement = create_statement(world.alpha, world.anna, group=world.ipa, **kwargs)
    save_statement_text(statement, world.anna, "en", title="Preliminary statement",
                        sections={"voting": text})
    return statement


def _voting_html(statement, language="en", figures=None):
    content = draft_content(statement)
    _, sections = render_content(content, language, figures or live_figures(statement, content))
    return str(next(s for s in sections if s.key == "voting").html)


def test_a_new_statement_has_the_template_sections_in_the_missions_languages(world):
    voting_reports(world)
    statement = create_statement(world.alpha, world.anna, group=world.ipa)
    assert statement.languages == ["en", "ru"] and statement.status == "draft"
    assert list(statement.texts["ru"]["sections"]) == SECTION_KEYS
    assert statement.texts["ru"]["title"] == "Заявление о предварительных выводах и заключениях"
    # The voting section starts with the figure of the voting form's overall assessment.
    assert NEGATIVE_VOTING in statement.texts["en"]["sections"]["voting"]
    assert "1 per cent" not in _voting_html(statement)
    assert "25 per cent of 4 observations" in _voting_html(statement)
    assert "25\u00a0% из 4 наблюдений" in _voting_html(statement, "ru")


def test_a_figure_follows_a_correction_before_publication_and_not_after(world):
    _, reports = voting_reports(world)                       # bad, good, good, very_good
    statement = _statement(world)
    assert "25 per cent of 4 observations" in _voting_html(statement)

    correct(reports[1], {"overall": "bad"})                  # before publishing: counted at once
    assert "50 per cent of 4 observations" in _voting_html(statement)

    publication = publish_statement(statement, world.alice)
    assert publication.content["figures"]
    correct(reports[2], {"overall": "very_bad"})             # after publishing: the statement holds
    document = publication.documents.get(language="en")
    assert "50 per cent of 4 observations" in document.html
    frozen = {k: v["share"] for k, v in publication.content["figures"].items()}
    assert list(frozen.values()) == [0.5]
    # ... while the live figure has moved on.
    assert "75 per cent of 4 observations" in _voting_html(statement)


def test_publishing_freezes_the_statement_with_hash_time_and_who(world):
    voting_reports(world)
    statement = _statement(world)
    publication = publish_statement(statement, world.alice)
    statement.refresh_from_db()
    assert statement.status == "published"
    assert (publication.number, publication.published_by) == (1, world.alice)
    assert len(publication.content_hash) == 64
    assert {d.language for d in publication.documents.all()} == {"en", "ru"}
    with pytest.raises(WorkflowError, match="reopen it"):
        save_statement_text(statement, world.anna, "en", title="Changed", sections={})
    with pytest.raises(WorkflowError, match="already published"):
        publish_statement(statement, world.alice)


def test_the_pdf_renders_and_its_first_page_is_an_image(world, tmp_path):
    voting_reports(world)
    statement = _statement(world)
    save_statement_text(statement, world.anna, "ru", title="Предварительное заявление Қазақстан",
                        sections={"voting": f"Голосование оценено отрицательно в {NEGATIVE_VOTING}."})
    publication = publish_statement(statement, world.alice)
    document = publication.documents.get(language="ru")
    pdf = document.pdf.read()
    assert pdf.startswith(b"%PDF")
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp_path / "statement.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-png", "-r", "50", str(tmp_path / "statement.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    [page] = list(tmp_path.glob("page*.png"))
    image = Image.open(page).convert("L")
    assert image.size[1] > image.size[0] > 300            # A4, portrait
    dark = sum(image.histogram()[:128])                   # pixels darker than mid-grey
    assert dark > 500                                     # text was drawn, not a blank page


def test_a_figure_that_names_an_unknown_question_blocks_publication(world):
    voting_reports(world)
    statement = _statement(world, text='{{ share form="voting" question="overal" values="bad" }}')
    assert "has no question &#x27;overal&#x27;" in _voting_html(statement)
    with pytest.raises(WorkflowError, match="no question 'overal'"):
        publish_statement(statement, world.alice)
    assert not Publication.objects.exists()


def test_a_share_nobody_answered_blocks_publication(world):
    voting_reports(world, answers=())
    statement = _statement(world)
    with pytest.raises(WorkflowError, match="no observation answered the question yet"):
        publish_statement(statement, world.alice)


def test_only_the_groups_coordinator_publishes(world):
    voting_reports(world)
    statement = _statement(world)
    with pytest.raises(PermissionDenied):
        publish_statement(statement, world.anna)
    with pytest.raises(PermissionDenied):
        publish_statement(statement, emil(world))           # coordinator of the other group
    publish_statement(statement, world.alice)


def test_a_reopened_statement_publishes_a_second_version_and_keeps_the_first(world):
    _, reports = voting_reports(world)
    statement = _statement(world)
    first = publish_statement(statement, world.alice)
    reopen_statement(statement, world.alice)
    correct(reports[1], {"overall": "bad"})
    second = publish_statement(statement, world.alice)
    assert (first.number, second.number) == (1, 2)
    assert first.content_hash != second.content_hash
    assert "25 per cent" in first.documents.get(language="en").html
    assert "50 per cent" in second.documents.get(language="en").html


def _approved(world, title, group, author, reviewer, coordinator):
    finding = create_finding(world.alpha, author, title=title, text=f"{title}: {NEGATIVE_VOTING}.",
                             phase="voting", group=group)
    submit_finding(finding, author)
    review_finding(finding, reviewer, accept=True)
    return approve_finding(finding, coordinator)


def test_a_common_statement_needs_each_groups_sign_off_of_the_current_text(world):
    voting_reports(world)
    ec_coordinator = emil(world)
    ipa_finding = _approved(world, "IPA: queues", world.ipa, world.anna, world.alice, world.alice)
    ec_finding = _approved(world, "EC: secrecy", world.ec, world.anna, world.alice, ec_coordinator)
    common = create_statement(world.alpha, world.anna, kind=Statement.Kind.COMMON, groups=[world.ipa, world.ec],
                              languages=["en"])
    place_finding(common, ipa_finding, world.anna)
    place_finding(common, ec_finding, world.anna, section="summary")
    assert {g.code for g in missing_signoffs(common)} == {"ipa", "ec"}
    with pytest.raises(WorkflowError, match="has not signed off"):
        publish_statement(common, world.alice)
    with pytest.raises(PermissionDenied):
        sign_off(common, world.ec, world.alice)             # alice coordinates IPA, not EC
    sign_off(common, world.ipa, world.alice)
    sign_off(common, world.ec, ec_coordinator)
    assert missing_signoffs(common) == []
    # A change after the sign-offs needs them again.
    save_statement_text(common, world.anna, "en", title="Common statement", sections={"summary": "Calm."})
    assert {g.code for g in missing_signoffs(common)} == {"ipa", "ec"}
    sign_off(common, world.ipa, world.alice)
    sign_off(common, world.ec, ec_coordinator)
    publication = publish_statement(common, ec_coordinator)
    html = publication.documents.get(language="en").html
    assert "IPA: queues" in html and "EC: secrecy" in html and "25 per cent of 4 observations" in html


def test_a_common_statement_joins_approved_group_statements_only(world):
    voting_reports(world)
    ipa_statement = _statement(world)
    common = create_statement(world.alpha, world.anna, kind=Statement.Kind.COMMON, groups=[world.ipa, world.ec])
    with pytest.raises(WorkflowError, match="approved or published"):
        join_statement(common, ipa_statement, world.anna)
    approve_statement(ipa_statement, world.alice)
    join_statement(common, ipa_statement, world.anna)
    _, sections = render_content(draft_content(common), "en", live_figures(common))
    voting = next(s for s in sections if s.key == "voting")
    assert voting.items[0].heading == "IPA group" and "25 per cent" in str(voting.items[0].html)


def test_findings_must_be_approved_and_of_the_statements_groups(world):
    finding = create_finding(world.alpha, world.anna, title="x", text="y", phase="voting", group=world.ec)
    statement = _statement(world)
    with pytest.raises(WorkflowError, match="only approved"):
        place_finding(statement, finding, world.anna)
    submit_finding(finding, world.anna)
    review_finding(finding, world.alice, accept=True)
    approve_finding(finding, world.alice)
    with pytest.raises(ValueError, match="another group's"):
        place_finding(statement, finding, world.anna)


def test_a_common_statement_joins_at_least_two_groups(world):
    with pytest.raises(ValueError, match="at least two groups"):
        create_statement(world.alpha, world.anna, kind=Statement.Kind.COMMON, groups=[world.ipa])
