"""Statement pages: staff draft, edit and publish; the public reads published ones only."""

import pytest

from pollwatch.statements.models import Statement
from pollwatch.statements.services import create_statement, publish_statement, save_statement_text

from .helpers import NEGATIVE_VOTING, voting_reports


def _draft(world):
    statement = create_statement(world.alpha, world.anna, group=world.ipa, slug="preliminary",
                                 languages=["en"])   # written in English only: publishable
    save_statement_text(statement, world.anna, "en", title="Preliminary statement",
                        sections={"voting": f"Negative in {NEGATIVE_VOTING}.", "summary": "<b>calm</b>"})
    return statement


def test_an_analyst_creates_edits_and_previews_a_statement(world, login):
    voting_reports(world)
    client = login(world.anna)
    response = client.post("/m/alpha/statements/", {"kind": "group", "group": str(world.ipa.pk),
                                                    "languages": ["en", "kk"], "title": "Interim"})
    statement = Statement.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/statements/{statement.slug}/edit/")
    assert statement.languages == ["en", "kk"] and statement.group == world.ipa
    edit = client.get(f"/m/alpha/statements/{statement.slug}/edit/?lang=kk")
    assert edit.status_code == 200 and "Дауыс беру" in edit.content.decode()
    response = client.post(f"/m/alpha/statements/{statement.slug}/edit/", {
        "lang": "kk", "title": "Аралық мәлімдеме", "section:voting": f"Теріс: {NEGATIVE_VOTING}."})
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.texts["kk"]["sections"]["voting"].startswith("Теріс")
    page = client.get(f"/m/alpha/statements/{statement.slug}/?lang=kk").content.decode()
    assert "4 байқаудың 25 пайызы" in page


def test_the_preview_links_each_figure_to_the_submissions_it_counts(world, login):
    _, reports = voting_reports(world)
    statement = _draft(world)
    client = login(world.anna)
    page = client.get(f"/m/alpha/statements/{statement.slug}/").content.decode()
    assert "&lt;b&gt;calm&lt;/b&gt;" in page
    start = page.index('class="figure-ref" href="') + len('class="figure-ref" href="')
    link = page[start:page.index('"', start)]
    rows = client.get(link)
    assert rows.status_code == 200
    text = rows.content.decode()
    assert "Oleg" not in text and f"#{reports[0].pk}" in text and "71001" in text
    assert rows.context["value"].count == 1 and rows.context["value"].base == 4


def test_a_coordinator_publishes_on_the_page_and_the_public_reads_it(world, login, client, settings):
    settings.OPEN_DATA_MIN_STATIONS = 1
    voting_reports(world)
    statement = _draft(world)
    assert client.get("/statements/alpha/preliminary/").status_code == 404   # draft: not public
    coordinator = login(world.alice)
    response = coordinator.post("/m/alpha/statements/preliminary/do/publish/")
    assert response.status_code == 302 and response["Location"] == "/statements/alpha/preliminary/"
    client.logout()
    page = client.get("/statements/alpha/preliminary/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Preliminary statement" in html and "25 per cent of 4 observations" in html
    pdf = client.get("/statements/alpha/preliminary/v1/en.pdf")
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert pdf.status_code == 200 and content.startswith(b"%PDF")
    data = client.get("/statements/alpha/preliminary/open-data.csv").content.decode()
    assert "form,question,label,answer" in data.splitlines()[0]
    assert "voting,overall,Overall,bad,Bad,overall,,1,4,3,0.25,0" in data
    figure = client.get(f"/statements/alpha/preliminary/figures/{list(statement.publications.get().content['figures'])[0]}/")
    assert figure.status_code == 200 and "71001" not in figure.content.decode()   # no stations in public
    landing = client.get("/").content.decode()
    assert 'href="/statements/alpha/preliminary/"' in landing


def test_the_public_sees_no_drafts_and_staff_pages_need_a_role(world, client, login):
    voting_reports(world)
    _draft(world)
    assert client.get("/statements/alpha/").status_code == 200
    assert "Preliminary" not in client.get("/statements/alpha/").content.decode()
    assert client.get("/m/alpha/statements/preliminary/").status_code == 302   # to sign in
    assert login(world.bob).get("/m/alpha/statements/preliminary/").status_code == 403
    assert login(world.oleg).get("/m/alpha/statements/").status_code == 403


def test_an_analyst_cannot_publish(world, login):
    voting_reports(world)
    _draft(world)
    response = login(world.anna).post("/m/alpha/statements/preliminary/do/publish/", follow=True)
    assert response.status_code == 403 and "coordinator" in response.content.decode()
    assert not Statement.objects.get().publications.exists()


def test_published_pages_are_read_from_the_frozen_version(world, client):
    _, reports = voting_reports(world)
    statement = _draft(world)
    publish_statement(statement, world.alice)
    reports[0].answers = {"overall": "good"}   # even a direct change does not touch the published text
    reports[0].save()
    assert "25 per cent of 4 observations" in client.get("/statements/alpha/preliminary/").content.decode()


@pytest.mark.parametrize("path, status", [("/statements/", 200), ("/statements/alpha/", 200),
                                          ("/statements/nope/", 404), ("/statements/alpha/nope/", 404)])
def test_public_lists_answer_without_sign_in(world, client, path, status):
    assert client.get(path).status_code == status
