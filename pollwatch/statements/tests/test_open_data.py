"""A published statement's public outputs carry aggregates only: no station, no observer."""

import csv
import io

from pollwatch.checklists.models import Question
from pollwatch.factories import StationFactory
from pollwatch.statements.services import create_statement, publish_statement, save_statement_text
from pollwatch.submissions.tests.observations import ASSESSMENT, make_form, observe

NEGATIVE = '{{ share form="voting" question="overall" values="bad,very_bad" }}'
NEGATIVE_ASTANA = '{{ share form="voting" question="overall" values="bad,very_bad" region="71" }}'
OBSERVATIONS = '{{ observations form="voting" }}'
STATIONS = '{{ stations form="voting" }}'


def _form(world):
    form = make_form(world.alpha, "voting", phase="voting", questions=[
        ("station", "select_one", None),
        ("overall", "select_one", ASSESSMENT),
        ("secrecy_ok", "yes_no", None),
        ("observer_name", "select_one", None),
        ("notes", "text", None),
        ("photo", "photo", None),
    ])
    Question.objects.filter(version__form=form, name="station").update(choices_from="stations.csv")
    Question.objects.filter(version__form=form, name="observer_name").update(choices_from="observers.csv")
    return form


def _reports(world, astana=6, west=2):
    """``astana`` stations in region 71 (the world's two and new ones) and ``west`` in 27, one
    report each, answered by the world's observers with their names and phones in the text."""
    form = _form(world)
    stations = [world.station_astana, world.station_unassigned]
    stations += [StationFactory(area=world.astana, code=f"7110{i}") for i in range(astana - 2)]
    stations += [world.station_west] + [StationFactory(area=world.west, code=f"2710{i}")
                                        for i in range(west - 1)]
    assessments = ["bad", "good", "very_bad", "good", "very_good", "bad", "good", "bad"]
    for i, station in enumerate(stations):
        observer = world.observer_oleg if i % 2 == 0 else world.observer_olga
        observe(world.alpha, form, station, observer, {
            "station": station.code, "overall": assessments[i % len(assessments)],
            "secrecy_ok": i % 3 != 0, "observer_name": observer.full_name,
            "notes": f"{observer.full_name} {observer.phone} at {station.code}",
            "photo": f"{station.code}.jpg"})
    return stations


def _publish(world, *, slug="preliminary"):
    statement = create_statement(world.alpha, world.anna, group=world.ipa, slug=slug)
    save_statement_text(statement, world.anna, "en", title="Preliminary statement", sections={
        "voting": f"Negative in {NEGATIVE}; in Astana {NEGATIVE_ASTANA}. "
                  f"{OBSERVATIONS} reports from {STATIONS} stations."})
    return publish_statement(statement, world.alice)


def _rows(client, slug="preliminary"):
    response = client.get(f"/statements/alpha/{slug}/open-data.csv")
    assert response.status_code == 200
    return response.content.decode(), list(csv.DictReader(io.StringIO(response.content.decode())))


def test_public_open_data_names_no_station_observer_or_phone(world, client, settings):
    settings.OPEN_DATA_MIN_STATIONS = 2
    stations = _reports(world)
    _publish(world)
    text, rows = _rows(client)
    for station in stations:
        assert station.code not in text
    for observer in (world.observer_oleg, world.observer_olga):
        assert observer.full_name not in text and observer.phone not in text
        assert observer.phone[-4:] not in text
    assert {r["question"] for r in rows} == {"", "overall", "secrecy_ok"}   # no station, observer, text, photo
    assert {r["scope_value"] for r in rows if r["scope"] == "region"} == {"71", "27"}


def test_a_cell_from_fewer_stations_than_the_minimum_is_shown_as_suppressed(world, client, settings):
    settings.OPEN_DATA_MIN_STATIONS = 5
    _reports(world, astana=6, west=2)
    _publish(world)
    _, rows = _rows(client)
    overall = [r for r in rows if r["question"] == "overall" and r["scope"] == "overall"]
    assert overall and all(r["suppressed"] == "0" and r["count"] != "" for r in overall)
    west = [r for r in rows if r["scope"] == "region" and r["scope_value"] == "27"]
    assert west and all(r["suppressed"] == "1" and r["count"] == r["base"] == r["stations"] == r["share"] == ""
                        for r in west)
    # With only two regions, Astana would give West away (overall minus Astana): withheld too.
    astana = [r for r in rows if r["scope"] == "region" and r["scope_value"] == "71"]
    assert astana and all(r["suppressed"] == "1" and r["count"] == "" for r in astana)
    reports = next(r for r in rows if r["question"] == "" and r["scope"] == "overall")
    assert reports["count"] == "8" and reports["stations"] == "8"


def test_the_aggregates_sum_to_the_figures_the_statement_shows(world, client, settings):
    settings.OPEN_DATA_MIN_STATIONS = 2
    _reports(world, astana=6, west=2)
    publication = _publish(world)
    figures = {v["query"].get("region", "") + v["kind"]: v for v in publication.content["figures"].values()}
    page = client.get("/statements/alpha/preliminary/").content.decode()
    negative = figures["share"]
    assert f"{round(100 * negative['share'])} per cent of {negative['base']} observations" in page
    _, rows = _rows(client)

    def cells(scope, value, answers):
        found = [r for r in rows if r["question"] == "overall" and r["scope"] == scope
                 and r["scope_value"] == value]
        assert found and all(r["suppressed"] == "0" for r in found)
        return sum(int(r["count"]) for r in found if r["answer"] in answers), int(found[0]["base"])

    assert cells("overall", "", {"bad", "very_bad"}) == (negative["count"], negative["base"]) == (4, 8)
    astana = figures["71share"]
    assert cells("region", "71", {"bad", "very_bad"}) == (astana["count"], astana["base"])
    # Each question's answers add up to its base, and the regions to the whole.
    assert cells("overall", "", {r["answer"] for r in rows})[0] == 8
    assert sum(cells("region", code, {"good"})[0] for code in ("71", "27")) == cells("overall", "", {"good"})[0]
    reports = next(r for r in rows if r["question"] == "" and r["scope"] == "overall")
    assert int(reports["count"]) == figures["observations"]["count"]
    assert int(reports["stations"]) == figures["stations"]["count"]


def test_the_public_figure_page_lists_no_submission_but_staff_see_the_trace(world, client, login, settings):
    settings.OPEN_DATA_MIN_STATIONS = 2
    stations = _reports(world)
    publication = _publish(world)
    key = next(k for k, v in publication.content["figures"].items() if v["kind"] == "share"
               and "region" not in v["query"])
    public = client.get(f"/statements/alpha/preliminary/figures/{key}/?v=1")
    html = public.content.decode()
    assert public.status_code == 200 and public.context["value"].base == 8
    assert not any(s.code in html for s in stations) and "Oleg" not in html
    assert not any(f"#{pk}" in html for pk in publication.content["figures"][key]["answered_ids"])
    page = client.get("/statements/alpha/preliminary/").content.decode()
    assert not any(s.code in page for s in stations)
    staff = login(world.anna).get(f"/m/alpha/statements/preliminary/figures/{key}/?v=1").content.decode()
    assert stations[0].code in staff and "Oleg Observer" in staff


def test_the_migration_strips_station_rows_from_open_data_published_before(world, client, settings):
    import importlib

    from django.apps import apps

    from pollwatch.submissions import aggregates

    settings.OPEN_DATA_MIN_STATIONS = 5
    stations = _reports(world, astana=6, west=2)
    publication = _publish(world)
    old = [",".join(aggregates.ROW_FIELDS)]   # the open data as it was published before
    old += [",".join(str(row[f]) for f in aggregates.ROW_FIELDS)
            for row in aggregates.findings_table(world.alpha, "voting").rows()]
    old += [f"voting,station,Station,{s.code},{s.code},overall,,1,{len(stations)},0.125"   # counted then
            for s in stations]
    assert sum(row.split(",")[1] == "station" for row in old) >= len(stations)
    type(publication).objects.filter(pk=publication.pk).update(open_data="\n".join(old) + "\n")
    migration = importlib.import_module("pollwatch.statements.migrations.0002_strip_identifying_rows_from_open_data")
    migration.strip_identifying_rows(apps, None)

    text, rows = _rows(client)
    assert not any(s.code in text for s in stations)
    assert {r["question"] for r in rows} == {"overall", "secrecy_ok"}
    overall = {r["answer"]: r for r in rows if r["question"] == "overall" and r["scope"] == "overall"}
    assert (overall["bad"]["count"], overall["bad"]["base"], overall["bad"]["suppressed"]) == ("3", "8", "0")
    assert all(r["suppressed"] == "1" and r["count"] == "" for r in rows if r["scope"] == "region")
    migration.strip_identifying_rows(apps, None)   # a second run changes nothing
    assert _rows(client)[0] == text
