"""Figures of the analysis engine: speed, memory, interval coverage, false alarms and power.

Prints:
- forensics over 1,000,000 simulated stations (time and peak memory; targets 5 s, 2 GB),
  and the second-digit test alone over 1,000,000 stations x 7 choices;
- quick count over a 10,000-station sample (target 0.2 s) and seat allocation for 1,000
  districts;
- the quick-count interval coverage over 1,000 simulated samples (target 93-97 %);
- how often each forensic test fires at the 1 % level on honest simulated elections (the
  last-digit and integer tests alone over 10,000 of them), and
  the precision and recall of the outlier list when 5 % of stations are stuffed;
- the real Russian station results when present (the folder in $POLLWATCH_ELECTION_DATA,
  by default ../shared/data next to the repository): the integer-percentage excess next to
  Kobak et al.'s figures, and the 2016 list seats.

``--quick`` runs smaller versions of the simulation checks. ``--size-only N`` runs only the
size check of the last-digit, integer and second-digit tests, over N elections (seeds from
100,000; the second-digit test takes 0.1 s an election).
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from pollwatch.analysis import (
    StationFrame,
    StationResults,
    allocate_plurality,
    allocate_seats,
    design_sample,
    forensics_report,
    integer_percentages,
    last_digit_test,
    quick_count,
    second_digit_test,
    simulate_election,
)
from pollwatch.analysis._io import read_results
from pollwatch.analysis.forensics.digits import _expected_counts
from pollwatch.analysis.seats import _allocate_many

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("POLLWATCH_ELECTION_DATA", ROOT.parent / "shared" / "data"))

# Kobak, Shpilkin and Pshenichnikov's excess of stations at whole percentages (their
# published notebooks, via pollwatch's data README; Monte Carlo sd near 116).
KOBAK_EXCESS = {"ru2012": 1160, "ru2016": 1502, "ru2018": 1709}


def timed(function: Callable[[], Any], repeat: int = 1) -> tuple[Any, float]:
    """The result and the best wall-clock time of `repeat` runs."""
    result, wall, _ = timed_cpu(function, repeat)
    return result, wall


def timed_cpu(function: Callable[[], Any], repeat: int = 1) -> tuple[Any, float, float]:
    """The result, and the best wall-clock and CPU times of `repeat` runs (CPU time is what
    the code costs when other processes share the machine)."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        best_wall = min(best_wall, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return result, best_wall, best_cpu


def peak_memory(function: Callable[[], Any]) -> int:
    """Peak bytes allocated (numpy arrays included) while `function` runs."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def take(results: StationResults, rows: np.ndarray) -> StationResults:
    return StationResults(
        results.station[rows],
        results.ballots[rows],
        results.valid[rows],
        results.invalid[rows],
        results.votes[rows],
        results.choices,
        None if results.registered is None else results.registered[rows],
        None if results.region is None else results.region[rows],
    )


def regional_expectation(results: StationResults) -> np.ndarray:
    """Each count's expected value (valid votes times the choice's share in the region), as
    forensics_report selects the counts its digit tests take."""
    codes = np.unique(results.region, return_inverse=True)[1].astype(np.int64)
    return _expected_counts(results.votes, results.valid, codes, int(codes.max()) + 1)


def bench_forensics_speed() -> None:
    print("\n# Forensics over 1,000,000 simulated stations (80 regions, 5 choices)")
    (sim, seconds) = timed(lambda: simulate_election(1_000_000, regions=80, seed=1))
    print(f"simulating the election: {seconds:.2f} s (not part of the target)")
    _, first, first_cpu = timed_cpu(lambda: forensics_report(sim.results))
    report, seconds, cpu = timed_cpu(lambda: forensics_report(sim.results), repeat=3)
    memory = peak_memory(lambda: forensics_report(sim.results))
    print(f"forensics_report: {seconds:.2f} s wall, {cpu:.2f} s CPU (target < 5 s: {verdict(seconds < 5)})")
    print(f"  first call of the process: {first:.2f} s wall, {first_cpu:.2f} s CPU ({verdict(first < 5)})")
    print(f"peak memory of the call: {memory / 2**20:,.0f} MiB (target < 2 GiB: {verdict(memory < 2**31)})")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"peak resident memory of the process so far: {rss / 2**20:,.0f} MiB")
    ip = report.integer_percentages
    either = ip.either
    print(
        f"integer test on the honest data: excess {either.excess:+.0f} (sd {either.sd:.0f}), "
        f"p = {either.p_value:.2f}"
    )


def bench_second_digit_speed() -> None:
    print("\n# Second-digit test over 1,000,000 simulated stations x 7 choices (80 regions)")
    results = simulate_election(1_000_000, regions=80, choices=7, seed=1).results
    expected = regional_expectation(results)
    votes, valid = results.votes, results.valid[:, None]
    result, seconds, cpu = timed_cpu(lambda: second_digit_test(votes, valid, expected=expected), repeat=3)
    print(f"second_digit_test: {seconds:.2f} s wall, {cpu:.2f} s CPU (target < 5 s: {verdict(seconds < 5)})")
    print(
        f"  {result.n:,} counts tested (expected >= {result.min_expected:g}): mean {result.mean:.4f} "
        f"against {result.expected_mean:.4f}, p = {result.p_value:.2g}; "
        f"chi2 {result.chi2:.1f}, p = {result.chi2_p_value:.2g}"
    )
    b = result.benford
    print(f"  the counts of 10 or more against Benford: mean {b.mean:.4f}, p = {b.p_value:.2g} (descriptive)")


def bench_quickcount_speed() -> None:
    print("\n# Quick count over a 10,000-station sample (frame of 100,000 stations, 40 strata)")
    sim = simulate_election(100_000, regions=40, seed=2)
    frame = sim.frame
    rows = design_sample(frame, stations=10_000, seed=1).rows
    sample = take(sim.results, rows)
    _, seconds = timed(lambda: quick_count(frame, sample), repeat=5)
    print(f"estimates with margins: {seconds * 1000:.0f} ms (target < 200 ms: {verdict(seconds < 0.2)})")
    _, seconds = timed(
        lambda: quick_count(frame, sample, seats=100, method="dhondt", threshold=5, seed=1), repeat=3
    )
    print(f"with the seat range (2,000 simulated allocations, D'Hondt, 100 seats): {seconds * 1000:.0f} ms")
    _, seconds = timed(lambda: design_sample(frame, stations=10_000, seed=2), repeat=3)
    print(f"drawing the sample: {seconds * 1000:.0f} ms")


def bench_seats_speed() -> None:
    print("\n# Seat allocation for 1,000 districts (8 lists, 10 seats each)")
    rng = np.random.default_rng(3)
    votes = rng.integers(100, 50_000, size=(1000, 8))
    names = [f"L{j}" for j in range(8)]
    tables = [dict(zip(names, row.tolist(), strict=True)) for row in votes]
    for method in ("hare", "dhondt", "sainte-lague"):
        _, seconds = timed(lambda m=method: [allocate_seats(t, 10, m, threshold=5) for t in tables], repeat=3)
        print(f"{method}: {seconds * 1000:.0f} ms, exact arithmetic, one call per district")
    qualified = votes >= 0.05 * votes.sum(axis=1, keepdims=True)
    _, seconds = timed(lambda: _allocate_many(votes.astype(float), 10, "dhondt", qualified), repeat=3)
    print(f"dhondt, all districts in one array (as the quick count's simulation): {seconds * 1000:.1f} ms")
    districts = {f"D{i}": t for i, t in enumerate(tables)}
    _, seconds = timed(lambda: allocate_plurality(districts), repeat=3)
    print(f"plurality winners of 1,000 districts: {seconds * 1000:.0f} ms")


def bench_coverage(samples: int) -> None:
    print(f"\n# Quick-count interval coverage over {samples:,} simulated samples")
    sim = simulate_election(50_000, regions=20, seed=4)
    results = sim.results
    truth = {c: sim.true_share(c) for c in results.choices}
    truth["turnout"] = float(results.ballots.sum() / results.registered.sum())
    truth["invalid"] = float(results.invalid.sum() / results.ballots.sum())
    covered = dict.fromkeys(truth, 0)
    widths = dict.fromkeys(truth, 0.0)
    for seed in range(samples):
        rows = design_sample(sim.frame, stations=1000, seed=seed).rows
        estimates = quick_count(sim.frame, take(results, rows)).estimates
        for key, value in truth.items():
            covered[key] += estimates[key].low <= value <= estimates[key].high
            widths[key] += estimates[key].moe
    print("population 50,000 stations in 20 regions; samples of 1,000 stations; nominal 95 %")
    for key in truth:
        rate = covered[key] / samples
        print(
            f"  {key:8s} true {truth[key]:.4f}  covered {rate:.1%}  "
            f"mean margin +/-{widths[key] / samples:.4f}  ({verdict(0.93 <= rate <= 0.97)})"
        )
    overall = sum(covered.values()) / (samples * len(truth))
    sd = np.sqrt(0.95 * 0.05 / samples)
    print(f"  all ratios: {overall:.2%} (binomial sd of one ratio's rate: {sd:.1%})")


def bench_false_alarms(elections: int, stations: int) -> None:
    print(f"\n# Forensic tests on {elections:,} honest simulated elections of {stations:,} stations")
    tests = ("turnout", "leader", "either", "last digit", "2nd digit mean", "2nd digit chi2")
    fired = dict.fromkeys(tests, 0)
    benford = {"Benford mean": 0, "Benford chi2": 0}
    regions_fired = 0
    outliers = 0
    for seed in range(elections):
        sim = simulate_election(stations, regions=20, seed=100_000 + seed)
        report = forensics_report(sim.results)
        ip = report.integer_percentages
        fired["turnout"] += ip.turnout.p_value < 0.01
        fired["leader"] += ip.leader.p_value < 0.01
        fired["either"] += ip.either.p_value < 0.01
        fired["last digit"] += report.last_digit.p_value < 0.01
        fired["2nd digit mean"] += report.second_digit.p_value < 0.01
        fired["2nd digit chi2"] += report.second_digit.chi2_p_value < 0.01
        benford["Benford mean"] += report.second_digit.benford.p_value < 0.01
        benford["Benford chi2"] += report.second_digit.benford.chi2_p_value < 0.01
        regions_fired += any(r.score > 2 for r in report.regions)
        outliers += len(report.outliers)
    sd = np.sqrt(0.01 * 0.99 / elections)
    print(f"share of elections where the test fires at the 1 % level (binomial sd {sd:.2%}):")
    for key, count in fired.items():
        rate = count / elections
        print(f"  {key:15s} {rate:6.2%}  {verdict(rate <= 0.01 + 2.5 * sd)}")
    for key, count in benford.items():
        print(f"  {key:15s} {count / elections:6.2%}  (against Benford's law: descriptive, not a test)")
    print(f"  any region flagged (Bonferroni over 20 regions x 2 tests): {regions_fired / elections:.2%}")
    print(f"  stations listed as outliers: {outliers / (elections * stations):.3%} of stations")


def bench_test_size(elections: int, stations: int, second_digits: bool = False) -> None:
    """The national tests alone over many honest elections: telling a 1 % size from 1.5 %
    needs more elections than the full report can afford (binomial sd 0.3 points at 1,000).
    The second-digit test (0.1 s an election) only when `second_digits`."""
    tests = "Last-digit, integer" + (" and second-digit" if second_digits else "") + " tests"
    print(f"\n# {tests} alone: {elections:,} honest elections of {stations:,} stations")
    p_values: dict[str, list[float]] = {"last digit": [], "turnout": [], "leader": [], "either": []}
    if second_digits:
        p_values.update({"2nd mean": [], "2nd chi2": []})
    pooled = np.zeros(10)
    for index in range(elections):
        results = simulate_election(stations, regions=20, seed=100_000 + index).results
        expected = regional_expectation(results)
        test = last_digit_test(results.votes, expected=expected)
        integer = integer_percentages(results)
        p_values["last digit"].append(test.p_value)
        p_values["turnout"].append(integer.turnout.p_value)
        p_values["leader"].append(integer.leader.p_value)
        p_values["either"].append(integer.either.p_value)
        pooled += test.counts
        if second_digits:
            second = second_digit_test(
                results.votes, results.valid[:, None], expected=expected, benford=False
            )
            p_values["2nd mean"].append(second.p_value)
            p_values["2nd chi2"].append(second.chi2_p_value)
    print("share of elections where the test fires (95 % interval):")
    for name, values in p_values.items():
        rates = []
        for level in (0.01, 0.05):
            rate = float((np.asarray(values) < level).mean())
            sd = np.sqrt(level * (1 - level) / elections)  # of the rate, were the size right
            half = 1.96 * np.sqrt(max(rate * (1 - rate), 1e-12) / elections)
            rates.append(
                f"at {level:.0%}: {rate:.2%} ({max(rate - half, 0):.2%}-{rate + half:.2%}, "
                f"{verdict(rate <= level + 2.5 * sd)})"
            )
        print(f"  {name:10s} " + "; ".join(rates))
    tested = int(pooled.sum())
    each = tested // elections
    uniform = np.random.default_rng(1).multinomial(each, [0.1] * 10, size=200_000)
    reference = stats.chi2.sf(((uniform - each / 10) ** 2).sum(axis=1) / (each / 10), 9)
    print(
        f"  Pearson's test on 200,000 draws of {each:,} exactly uniform digits (the counts an "
        f"election tests): fires at 1 % in {(reference < 0.01).mean():.2%}"
    )
    chi2 = float(((pooled - tested / 10) ** 2).sum() / (tested / 10))
    frequencies = ", ".join(f"{c / tested:.4f}" for c in pooled)
    p = stats.chi2.sf(chi2, 9)
    print(f"  the {tested:,} last digits tested, pooled: {frequencies}; uniform: p = {p:.2f}")


def bench_stuffing(stations: int, seeds: int) -> None:
    print(f"\n# Ballot stuffing in 5 % of {stations:,} stations (20 regions), {seeds} elections each")
    print("stuffing adds ballots for the leader equal to a uniform share of the non-voters")
    for strength in ((0.1, 0.4), (0.25, 0.75), (0.6, 1.0)):
        rows = []
        for threshold in (2.5, 3.0, 3.5, 4.0):
            tp = fp = fn = 0
            smear_tp = smear_fp = 0
            for seed in range(seeds):
                sim = simulate_election(
                    stations, regions=20, seed=seed, stuffing=0.05, stuffing_strength=strength
                )
                report = forensics_report(
                    sim.results, outlier_threshold=threshold, integers=False, digits=False
                )
                flagged = np.isin(sim.results.station, [o.station for o in report.outliers])
                tp += int((flagged & sim.stuffed).sum())
                fp += int((flagged & ~sim.stuffed).sum())
                fn += int((~flagged & sim.stuffed).sum())
                smear = report.fingerprint.smear
                smear_tp += int((smear & sim.stuffed).sum())
                smear_fp += int((smear & ~sim.stuffed).sum())
            rows.append((threshold, tp / max(tp + fp, 1), tp / (tp + fn), smear_tp, smear_fp, tp + fn))
        print(f"  share of non-voters stuffed {strength[0]:.0%}-{strength[1]:.0%}:")
        for threshold, precision, recall, s_tp, s_fp, total in rows:
            line = f"    outliers at |z| > {threshold}: precision {precision:.1%}, recall {recall:.1%}"
            if threshold == 3.5:
                line += f"; fingerprint smear: precision {s_tp / max(s_tp + s_fp, 1):.1%}"
                line += f", recall {s_tp / total:.1%}"
            print(line)


def bench_real_data(quick: bool) -> None:
    print(f"\n# Real station results in {DATA}")
    files = sorted(DATA.glob("ru20*-stations.csv.gz")) if DATA.is_dir() else []
    if not files:
        print("not found: skipped (set POLLWATCH_ELECTION_DATA to the folder of ru20xx-stations.csv.gz)")
        return
    for path in files:
        name = path.name.split("-")[0]
        results, read_seconds = timed(lambda p=path: read_results(p, required=("registered",)))
        report, seconds = timed(lambda r=results: forensics_report(r))
        ip = report.integer_percentages
        either = ip.either
        print(
            f"{name}: {len(results):,} stations read in {read_seconds:.1f} s; forensics {seconds:.2f} s; "
            f"leader {report.leader[:30]}"
        )
        quoted = KOBAK_EXCESS.get(name)
        print(
            f"  stations at a whole percentage (turnout or leader, 0.1 % rounding, >= 100 voters): "
            f"{either.observed:,} observed, {either.expected:,.0f} expected, excess {either.excess:+,.0f} "
            f"(sd {either.sd:.0f}, z {either.z:.1f})"
            + (f"; Kobak et al.: about {quoted:,}" if quoted else "")
        )
        print(
            f"  turnout alone {ip.turnout.excess:+,.0f} (z {ip.turnout.z:.1f}); "
            f"leader alone {ip.leader.excess:+,.0f} (z {ip.leader.z:.1f})"
        )
        if not quick:
            simulated, seconds = timed(lambda r=results: forensics_report(r, simulations=100, seed=1))
            s = simulated.integer_percentages.either
            print(
                f"  the same with Kobak's Monte Carlo null (100 draws, {seconds:.0f} s): expected "
                f"{s.expected:,.0f}, sd {s.sd:.0f}, excess {s.excess:+,.0f}"
            )
        top = [r.region for r in report.regions[:3]]
        print(
            f"  fingerprint: {report.fingerprint.corner_share:.1%} of voters at stations >= 95 %/95 %; "
            f"{report.fingerprint.smear_stations:,} stations in the smear; "
            f"{len(report.outliers):,} outliers; regions first in the list: {', '.join(top)}"
        )
        if name == "ru2016":
            bench_ru2016_seats(results)
            bench_real_quickcount(results)


def bench_ru2016_seats(results: StationResults) -> None:
    totals = dict(zip(results.choices, results.votes.sum(axis=0).tolist(), strict=True))
    invalid = int(results.invalid.sum())
    for method in ("hare", "dhondt"):
        seats = allocate_seats(totals, 225, method, threshold=5, invalid=invalid).seats
        won = ", ".join(f"{name.split('.')[0]}: {n}" for name, n in seats.items() if n)
        print(f"  225 list seats, {method} (lists by ballot number): {won}")
    print("  published: Hare 140 (4, United Russia), 35 (12, CPRF), 34 (7, LDPR), 16 (14); D'Hondt 141 for 4")


def bench_real_quickcount(results: StationResults) -> None:
    assert results.region is not None and results.registered is not None
    frame = StationFrame(results.station, results.region, results.registered)
    rows = design_sample(frame, stations=2000, seed=2016).rows
    result = quick_count(frame, take(results, rows), official=results, seats=225, threshold=5, seed=1)
    leader = max(results.choices, key=lambda c: results.choice(c).sum())
    e = result.estimates[leader]
    official = result.official[leader]
    seats = result.seats.seats[leader]
    print(
        f"  quick count of 2,000 stations: {leader[:20]}... {e.estimate:.2%} +/- {e.moe:.2%} "
        f"(official {official.share:.2%}, inside: {official.inside}, z {official.z:+.2f}); "
        f"seats {seats.seats} ({seats.low}-{seats.high})"
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    quick = "--quick" in args
    if "--size-only" in args:
        bench_test_size(int(args[args.index("--size-only") + 1]), 5000, second_digits=True)
        return 0
    np.seterr(all="ignore")
    bench_forensics_speed()
    bench_second_digit_speed()
    bench_quickcount_speed()
    bench_seats_speed()
    bench_coverage(200 if quick else 1000)
    bench_false_alarms(200 if quick else 1000, 5000)
    bench_test_size(1000 if quick else 10_000, 5000)
    bench_stuffing(20_000, 1 if quick else 3)
    bench_real_data(quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
