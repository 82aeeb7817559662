"""The analysis commands, called as ``pollwatch`` calls them: ``main([...])``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pollwatch.analysis import simulate_election
from pollwatch.analysis.cli import main

DATA = Path(__file__).parent / "data"
MAJILIS = str(DATA / "majilis2023-list.csv")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_seats_table_for_the_majilis():
    code, out, err = run(
        "seats", "--seats", "69", "--method", "hare", "--threshold", "5", "--threshold-base", "cast", MAJILIS
    )
    assert code == 0 and err == ""
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    # CEC of Kazakhstan: AMANAT 53.90 % and 40 seats; Baytaq 2.30 %, not qualified.
    assert lines["AMANAT"][-4:] == ["53.90", "%", "yes", "40"]
    assert lines["Baytaq"][-4:] == ["2.30", "%", "no", "0"]
    assert "threshold 5 % of 6,366,441 (cast)" in out


def test_seats_json_shape():
    code, out, _ = run("seats", "--seats", "69", "--threshold", "5", MAJILIS, "--json")
    data = json.loads(out)
    assert code == 0
    assert list(data["seats"].values()) == [40, 8, 6, 6, 5, 4, 0]
    assert data["quota"] == pytest.approx(86_546.652, abs=1e-3)
    assert data["qualified"][0] == "AMANAT" and len(data["qualified"]) == 6
    assert data["ties"] == []


def test_seats_tie_is_printed(tmp_path):
    votes = tmp_path / "votes.csv"
    votes.write_text("choice,votes\nA,50\nB,50\n")
    code, out, _ = run("seats", "--seats", "1", "--tie-break", "lot", "--seed", "3", str(votes))
    assert code == 0
    assert "tie: A, B at 0.5 for 1 seat(s); won by" in out and "by lot (seed 3)" in out


def test_seats_parallel_and_plurality(tmp_path):
    districts = tmp_path / "districts.csv"
    districts.write_text("district,choice,votes\n1,AMANAT,900\n1,Auyl,100\n2,Baytaq,600\n2,AMANAT,500\n")
    code, out, _ = run(
        "seats", "--seats", "69", "--threshold", "5", MAJILIS, "--districts", str(districts), "--json"
    )
    data = json.loads(out)
    assert code == 0
    assert data["seats"]["AMANAT"] == 41 and data["seats"]["Baytaq"] == 1
    code, out, _ = run("seats", "--method", "plurality", str(districts), "--json")
    assert json.loads(out)["winners"] == {"1": "AMANAT", "2": "Baytaq"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "choice,votes\nA,100\nB,200\nC,abc\n",
            "votes.csv line 4, column votes: 'abc' is not a whole number",
        ),
        ("choice,votes\nA,100\nB,-5\n", "votes.csv line 3, column votes: '-5' is negative"),
        ("choice,votes\nA,100\nB\n", "votes.csv line 3: 1 field, but the header has 2"),
        ("choice,votes\nA,100\nA,7\n", "votes.csv line 3, column choice: 'A' appears twice"),
        ("choice,votes\nA,\n", "votes.csv line 2, column votes: the cell is empty"),
        ("", "votes.csv: the file is empty"),
    ],
)
def test_bad_input_names_file_line_and_column(tmp_path, content, message):
    votes = tmp_path / "votes.csv"
    votes.write_text(content)
    code, out, err = run("seats", "--seats", "5", str(votes))
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_missing_file_and_bad_option_exit_2():
    code, _, err = run("seats", "--seats", "5", "nowhere.csv")
    assert code == 2 and "nowhere.csv: no such file" in err
    code, _, err = run("seats", "--seats", "x", MAJILIS)
    assert code == 2 and "invalid int value: 'x'" in err
    code, _, err = run("seats", "--seats", "5", "--method", "borda", MAJILIS)
    assert code == 2 and "unknown method 'borda'" in err
    code, _, err = run("frobnicate")
    assert code == 2 and "invalid choice" in err


def test_as_a_module_without_django():
    # The command runs in a fresh interpreter with no Django settings.
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pollwatch.analysis.cli",
            "seats",
            "--seats",
            "69",
            "--threshold",
            "5",
            MAJILIS,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[3])},
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["seats"]["AMANAT"] == 40
    assert "django" not in completed.stderr.lower()


def test_check_protocols_lists_failures_and_exits_1(tmp_path):
    protocols = tmp_path / "protocols.csv"
    protocols.write_text(
        "station,region,registered,received,issued,cancelled,ballots,valid,invalid,A,B\n"
        "001,North,1000,1000,700,300,700,690,10,400,290\n"
        "002,North,1000,900,600,300,601,590,11,300,290\n"
    )
    code, out, _ = run("check-protocols", str(protocols), "--json")
    data = json.loads(out)
    assert code == 1
    # Station 002 found 601 ballots in the boxes for 600 issued; everything else reconciles.
    assert data["failures"] == [
        {
            "station": "002",
            "equation": "ballots_within_issued",
            "expression": "ballots <= issued + issued_mobile",
            "lhs": 601,
            "rhs": 600,
            "difference": 1,
        }
    ]
    code, out, _ = run("check-protocols", str(protocols))
    assert code == 1 and "002" in out and "+1" in out


def test_check_protocols_with_equations_file(tmp_path):
    protocols = tmp_path / "p.csv"
    protocols.write_text("station,valid,A,B\nx,10,6,4\ny,10,6,3\n")
    equations = tmp_path / "eq.json"
    equations.write_text(json.dumps([{"name": "sum", "lhs": "valid", "op": "==", "rhs": "A + B"}]))
    code, out, _ = run("check-protocols", str(protocols), "--equations", str(equations), "--json")
    assert code == 1
    assert [(f["station"], f["difference"]) for f in json.loads(out)["failures"]] == [("y", 1)]
    equations.write_text('[{"lhs": "valid", "op": "==", "rhs": "A * B"}]')
    code, _, err = run("check-protocols", str(protocols), "--equations", str(equations))
    assert code == 2 and "eq.json, equation 1" in err


def _write_election(tmp_path: Path, stations: int = 3000):
    sim = simulate_election(stations, regions=6, seed=21)
    r = sim.results
    assert r.region is not None and r.registered is not None
    frame = tmp_path / "frame.csv"
    frame.write_text(
        "station,stratum,registered\n"
        + "".join(f"{s},{g},{n}\n" for s, g, n in zip(r.station, r.region, r.registered, strict=True))
    )
    header = "station,region,registered,ballots,valid,invalid," + ",".join(r.choices) + "\n"
    official = tmp_path / "official.csv"
    official.write_text(
        header
        + "".join(
            f"{r.station[i]},{r.region[i]},{r.registered[i]},{r.ballots[i]},{r.valid[i]},"
            f"{r.invalid[i]}," + ",".join(map(str, r.votes[i])) + "\n"
            for i in range(len(r))
        )
    )
    return sim, frame, official


def test_sample_then_quickcount(tmp_path):
    sim, frame, official = _write_election(tmp_path)
    drawn = tmp_path / "drawn.csv"
    code, out, _ = run(
        "sample",
        "--frame",
        str(frame),
        "--moe",
        "0.01",
        "--deff",
        "20",
        "--turnout",
        "0.6",
        "--seed",
        "1",
        "--out",
        str(drawn),
    )
    assert code == 0 and "seed 1" in out and "voters needed: 9,5" in out
    codes = [line.split(",")[0] for line in drawn.read_text().splitlines()[1:]]
    rows = {line.split(",")[0]: line for line in official.read_text().splitlines()[1:]}
    sample = tmp_path / "sample.csv"
    sample.write_text(
        "station,region,registered,ballots,valid,invalid,A,B,C,D,E\n" + "".join(rows[c] + "\n" for c in codes)
    )
    code, out, err = run(
        "quickcount",
        "--frame",
        str(frame),
        "--sample",
        str(sample),
        "--drawn",
        str(drawn),
        "--official",
        str(official),
        "--seats",
        "50",
        "--threshold",
        "5",
        "--seed",
        "2",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["stations"] == len(codes)
    assert set(data["estimates"]) == {"A", "B", "C", "D", "E", "turnout", "invalid"}
    assert data["official"]["A"]["share"] == pytest.approx(sim.true_share("A"))
    assert set(data["official"]["A"]) >= {"share", "inside", "z"}
    assert sum(v["seats"] for v in data["seats"]["allocation"].values()) == 50
    code, out, _ = run("quickcount", "--frame", str(frame), "--sample", str(sample))
    assert code == 0 and "turnout" in out and "coverage" in out


def test_quickcount_rejects_a_station_outside_the_frame(tmp_path):
    _, frame, _ = _write_election(tmp_path, 200)
    sample = tmp_path / "sample.csv"
    sample.write_text("station,ballots,valid,invalid,A\nNOPE,10,10,0,10\n")
    code, _, err = run("quickcount", "--frame", str(frame), "--sample", str(sample))
    assert code == 2 and "'NOPE' of the sample is not in the frame" in err


def test_forensics_text_json_and_figures(tmp_path):
    results = str(DATA / "ru2011-moscow-sverdlovsk.csv.gz")
    code, out, _ = run("forensics", results, "--limit", "3")
    assert code == 0
    assert "leader UR" in out and "Город Москва" in out
    assert "second digits (counts expected >= 50, against the binomial null)" in out
    assert "against Benford's law (descriptive" in out
    code, out, _ = run("forensics", results, "--json", "--figures", str(tmp_path / "fig"))
    data = json.loads(out)
    assert code == 0
    assert data["integer_percentages"]["either"]["p_value"] < 1e-4
    assert data["second_digit"]["null"] == "binomial" and data["second_digit"]["benford"]["descriptive"]
    assert {Path(p).name for p in data["figures"]} == {"fingerprint.png", "percentages.png"}
    assert (tmp_path / "fig" / "fingerprint.png").exists()


def test_forensics_needs_registered(tmp_path):
    results = tmp_path / "r.csv"
    results.write_text("station,ballots,valid,invalid,A\n1,10,10,0,10\n")
    code, _, err = run("forensics", str(results))
    assert code == 2 and "r.csv line 1: no column 'registered'" in err


def test_semicolons_and_a_byte_order_mark_are_read(tmp_path):
    votes = tmp_path / "votes.csv"
    votes.write_bytes("\ufeffChoice;Votes\nA;600\nB;400\n".encode())
    code, out, _ = run("seats", "--seats", "10", str(votes), "--json")
    assert code == 0
    assert json.loads(out)["seats"] == {"A": 6, "B": 4}
