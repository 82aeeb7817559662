"""Results pages: coordinators import, staff read the checks, each page exports CSV."""

import io
import json

from pollwatch.results.models import ResultBatch, SeatAnnouncement
from pollwatch.results.nist import validator
from pollwatch.submissions.tests.observations import observe_protocol

from .helpers import HEADER, PRELIMINARY, import_rows


def _upload(rows, name="cec.csv"):
    data = io.BytesIO(("\n".join([HEADER, *rows]) + "\n").encode())
    data.name = name
    return data


def test_a_coordinator_imports_a_file_and_sees_the_batch(world, login):
    client = login(world.alice)
    response = client.post("/m/alpha/results/import/", {
        "contest": world.contest.pk, "stage": "preliminary", "format": "table", "file": _upload(PRELIMINARY)})
    batch = ResultBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/m/alpha/results/batches/{batch.pk}/"
    assert batch.imported_by == world.alice
    page = client.get(f"/m/alpha/results/batches/{batch.pk}/")
    assert page.status_code == 200 and "first batch" in page.content.decode()
    rows = client.get(f"/m/alpha/results/batches/{batch.pk}/?format=rows").content.decode().splitlines()
    assert rows[0].startswith("station,registered") and len(rows) == 4


def test_a_bad_file_shows_each_error_and_imports_nothing(world, login):
    client = login(world.alice)
    response = client.post("/m/alpha/results/import/", {
        "contest": world.contest.pk, "stage": "preliminary", "format": "table",
        "file": _upload(["71001,2000,1000,980,20,five,200,180,100"])}, follow=True)
    assert "cec.csv line 2, column amanat: &#x27;five&#x27; is not a whole number" in response.content.decode()
    assert not ResultBatch.objects.exists()


def test_an_analyst_reads_but_cannot_import(world, login):
    client = login(world.anna)
    assert client.get("/m/alpha/results/").status_code == 200
    response = client.post("/m/alpha/results/import/", {
        "contest": world.contest.pk, "stage": "final", "format": "table", "file": _upload(PRELIMINARY)})
    assert response.status_code == 403 and not ResultBatch.objects.exists()


def test_observers_and_other_missions_see_no_results_pages(world, login):
    import_rows(world)
    for user in (world.oleg, world.bob):
        client = login(user)
        assert client.get("/m/alpha/results/").status_code == 403
        assert client.get("/m/alpha/results/majilis-list/discrepancies/").status_code == 403


def test_the_batch_page_lists_the_changed_stations(world, login):
    import_rows(world)
    import_rows(world, [PRELIMINARY[0], "27001,1200,700,690,10,380,120,100,90", PRELIMINARY[2]],
                stage="final", name="final.csv")
    batch = ResultBatch.objects.get(number=2)
    client = login(world.anna)
    page = client.get(f"/m/alpha/results/batches/{batch.pk}/").content.decode()
    assert "27001" in page and "AMANAT: 300 → 380 (+80)" in page
    changes = client.get(f"/m/alpha/results/batches/{batch.pk}/?format=csv").content.decode().splitlines()
    assert changes[1:] == ["27001,changed,votes:amanat,300,380,80,160", "27001,changed,votes:auyl,200,120,-80,160"]


def test_the_discrepancy_page_and_its_csv(world, login, django_assert_max_num_queries):
    import_rows(world)
    for station in (world.station_astana, world.station_west, world.station_unassigned):
        observe_protocol(world.alpha, station, world.contest, world.observer_oleg, {"ballots": 1},
                         {"amanat": 1, "auyl": 0, "respublica": 0, "against-all": 0})
    client = login(world.anna)
    with django_assert_max_num_queries(15):
        page = client.get("/m/alpha/results/majilis-list/discrepancies/")
    assert page.status_code == 200 and "Oleg Observer" in page.content.decode()
    csv_rows = client.get("/m/alpha/results/majilis-list/discrepancies/?format=csv").content.decode().splitlines()
    assert csv_rows[0] == "station,region,votes_at_stake,line,official,observed,difference,observers,observed_reconciles"
    assert "71001,71,979,votes:amanat,500,1,-499,Oleg Observer,True" in csv_rows


def test_quick_count_seats_and_forensics_pages_render(world, login):
    import_rows(world)
    observe_protocol(world.alpha, world.station_astana, world.contest, world.observer_oleg,
                     {"ballots": 1000, "invalid": 20}, {"amanat": 500, "auyl": 200, "respublica": 180,
                                                        "against-all": 100})
    client = login(world.anna)
    # The quick count and forensics pages are the dashboard's: the results app's addresses
    # redirect there for good, the contest (and the export asked for) in the query.
    page = client.get("/m/alpha/results/majilis-list/quick-count/", follow=True)
    assert page.redirect_chain == [("/m/alpha/quick-count/?contest=majilis-list", 301)]
    assert page.status_code == 200 and "Seats (range)" in page.content.decode()
    assert next(r for r in page.context["rows"] if r["choice"] == "amanat")["seats"] is not None
    export = client.get("/m/alpha/results/majilis-list/quick-count/?format=csv", follow=True)
    csv_rows = b"".join(export.streaming_content).decode().splitlines()
    assert csv_rows[1].startswith("national,amanat,")
    assert client.get("/m/alpha/results/majilis-list/seats/").status_code == 200
    page = client.get("/m/alpha/results/majilis-list/forensics/", follow=True)
    assert page.redirect_chain == [("/m/alpha/forensics/?contest=majilis-list", 301)]
    assert page.status_code == 200
    export = client.get("/m/alpha/results/majilis-list/forensics/?format=csv", follow=True)
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")


def test_a_coordinator_records_announced_seats_an_analyst_cannot(world, login):
    import_rows(world)
    data = {"source": "CEC release", "seats:amanat": "35", "seats:auyl": "17", "seats:respublica": "17"}
    assert login(world.anna).post("/m/alpha/results/majilis-list/seats/", data).status_code == 403
    response = login(world.alice).post("/m/alpha/results/majilis-list/seats/", data)
    assert response.status_code == 302
    assert SeatAnnouncement.objects.get().seats == {"amanat": 35, "auyl": 17, "respublica": 17}


def test_the_nist_download_is_valid_json_against_the_schema(world, login):
    import_rows(world)
    client = login(world.anna)
    for source in ("official", "observed"):
        response = client.get(f"/m/alpha/results/majilis-list/nist.json?source={source}")
        assert response.status_code == 200
        assert not list(validator().iter_errors(json.loads(response.content)))


def test_a_coordinator_saves_a_column_mapping(world, login):
    client = login(world.alice)
    response = client.post("/m/alpha/results/mappings/", {"name": "cec", "col:station": "УИК",
                                                          "col:choice:amanat": "AMANAT"})
    assert response.status_code == 302
    assert world.election.result_mappings.get().columns == {"station": "УИК", "choice:amanat": "AMANAT"}
