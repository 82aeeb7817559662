"""NIST SP 1500-100 v2 JSON: exports valid against the published schema, and imports."""

import io
import json

import pytest

from pollwatch.elections.models import Choice, Contest, ElectoralDistrict, StationDistrict
from pollwatch.elections.tabular import ImportRejected
from pollwatch.results.models import ResultBatch
from pollwatch.results.nist import export_nist, import_results_nist, schema_errors, validator
from pollwatch.results.services import compare_batches
from pollwatch.submissions.tests.observations import observe_protocol

from .helpers import import_rows


def _assert_valid(document):
    errors = sorted(validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def _units(document):
    return {u["@id"]: u for u in document["GpUnit"]}


def test_official_export_validates_against_the_schema(world):
    import_rows(world)
    document = export_nist(world.election, contests=[world.contest], mission=world.alpha)
    _assert_valid(document)
    assert document["Status"] == "unofficial-complete"
    [contest] = document["Election"][0]["Contest"]
    assert contest["@type"] == "ElectionResults.PartyContest"
    selections = {s["@id"].removeprefix("sel-majilis-list-"): s for s in contest["ContestSelection"]}
    assert selections["against-all"]["@type"] == "ElectionResults.BallotMeasureSelection"
    amanat = {c["GpUnitId"]: c["Count"] for c in selections["amanat"]["VoteCounts"]}
    assert amanat == {"gp-station-71001": 500, "gp-station-27001": 300, "gp-station-71002": 450}


def test_areas_and_stations_carry_open_civic_data_identifiers(world):
    import_rows(world)
    units = _units(export_nist(world.election, contests=[world.contest]))
    ocd = {k: u["ExternalIdentifier"][0]["Value"] for k, u in units.items()}
    assert ocd["gp-station-71001"] == "ocd-division/country:kz/region:71/precinct:71001"
    assert ocd["gp-area-27"] == "ocd-division/country:kz/region:27"
    assert ocd["gp-area-KZ"] == "ocd-division/country:kz"
    assert units["gp-area-KZ"]["ComposingGpUnitIds"] == ["gp-area-27", "gp-area-71"]
    assert units["gp-station-71001"]["VotersRegistered"] == 2000
    assert units["gp-station-71001"]["VotersParticipated"] == 1000


def test_observed_export_holds_the_missions_protocols_only(world):
    import_rows(world)
    observe_protocol(world.alpha, world.station_astana, world.contest, world.observer_oleg,
                     {"ballots": 1000, "invalid": 20}, {"amanat": 480, "auyl": 220, "respublica": 180,
                                                        "against-all": 100})
    document = export_nist(world.election, source="observed", mission=world.alpha, contests=[world.contest])
    _assert_valid(document)
    assert document["Status"] == "unofficial-partial" and document["Issuer"] == "Alpha mission"
    counts = {s["@id"].removeprefix("sel-majilis-list-"): s["VoteCounts"]
              for s in document["Election"][0]["Contest"][0]["ContestSelection"]}
    assert counts["amanat"] == [{"@type": "ElectionResults.VoteCounts", "GpUnitId": "gp-station-71001",
                                 "Type": "total", "Count": 480}]
    beta = export_nist(world.election, source="observed", mission=world.beta, contests=[world.contest])
    assert all(not s["VoteCounts"] for s in beta["Election"][0]["Contest"][0]["ContestSelection"])


def test_candidate_contests_export_one_contest_per_district(world):
    smd = Contest.objects.create(election=world.election, code="smd", name="Single-member",
                                 kind=Contest.Kind.SINGLE_MEMBER, method=Contest.Method.PLURALITY, seats=2)
    d1 = ElectoralDistrict.objects.create(contest=smd, code="1", name="District 1")
    d2 = ElectoralDistrict.objects.create(contest=smd, code="2", name="District 2")
    for district, station in ((d1, world.station_astana), (d2, world.station_west)):
        StationDistrict.objects.create(station=station, contest=smd, district=district)
        for n in (1, 2):
            Choice.objects.create(contest=smd, district=district, code=f"{district.code}-{n}",
                                  name=f"Candidate {district.code}.{n}", kind=Choice.Kind.CANDIDATE,
                                  party="AMANAT" if n == 1 else "", ballot_number=n)
    Choice.objects.create(contest=world.contest, code="x", name="X", ballot_number=5)  # unrelated
    from pollwatch.results.services import import_results

    data = io.BytesIO(b"station,1-1,1-2,2-1,2-2\n71001,600,400,,\n27001,,,300,350\n")
    import_results(world.election, smd, data, stage="final", actor="test", name="smd.csv")
    document = export_nist(world.election, contests=[smd])
    _assert_valid(document)
    contests = document["Election"][0]["Contest"]
    assert [c["@type"] for c in contests] == ["ElectionResults.CandidateContest"] * 2
    assert contests[0]["ElectionDistrictId"] == "gp-district-smd-1"
    assert document["Status"] == "certified"
    candidates = {c["@id"]: c for c in document["Election"][0]["Candidate"]}
    assert "PartyId" not in candidates["cand-smd-1-2"]


def test_an_export_reads_back_as_an_unchanged_batch(world, tmp_path):
    # NIST carries registered voters, ballots cast and rejected, and votes (not valid votes).
    import_rows(world, ["71001,2000,1000,20,500,200,180,100", "27001,1200,700,10,300,200,100,90"],
                header="station,registered,ballots,invalid,amanat,auyl,respublica,against-all")
    path = tmp_path / "official.json"
    path.write_text(json.dumps(export_nist(world.election, contests=[world.contest])))
    report = import_results_nist(world.election, world.contest, path, stage="final", actor="test")
    first, second = ResultBatch.objects.order_by("number")
    assert report.created == 2 and second.format == "nist"
    assert compare_batches(first, second).changes == []


def test_a_nist_file_breaking_the_schema_is_rejected_with_its_paths(world):
    import_rows(world)
    document = export_nist(world.election, contests=[world.contest])
    del document["Issuer"]
    document["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"][0]["Count"] = "many"
    data = io.BytesIO(json.dumps(document).encode())
    with pytest.raises(ImportRejected) as rejected:
        import_results_nist(world.election, world.contest, data, stage="final", actor="test", name="bad.json")
    text = "\n".join(rejected.value.report.error_lines())
    assert "bad.json, column (root): does not follow the NIST SP 1500-100 v2 schema: 'Issuer' is a required" in text
    assert "column Election/0/Contest/0/ContestSelection/0/VoteCounts/0/Count" in text
    assert ResultBatch.objects.count() == 1


def test_a_nist_file_for_another_contest_says_what_it_holds(world):
    import_rows(world)
    document = export_nist(world.election, contests=[world.contest])
    other = Contest.objects.create(election=world.election, code="other", name="Other",
                                   kind=Contest.Kind.PARTY_LIST, method="hare", seats=5)
    with pytest.raises(ImportRejected, match="no contest for other \\(found: Majilis list\\)"):
        import_results_nist(world.election, other, io.BytesIO(json.dumps(document).encode()),
                            stage="final", actor="test")


def test_schema_errors_lists_nothing_for_a_minimal_report():
    minimal = {"@type": "ElectionResults.ElectionReport", "Format": "summary-contest",
               "GeneratedDate": "2023-03-20T10:00:00Z", "Issuer": "CEC", "IssuerAbbreviation": "CEC",
               "SequenceStart": 1, "SequenceEnd": 1, "Status": "unofficial-partial",
               "VendorApplicationId": "test"}
    assert schema_errors(minimal) == []
    assert schema_errors({**minimal, "Status": "final"})[0][0] == "Status"
