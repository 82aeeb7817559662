"""The analysis commands of ``pollwatch``: seats, check-protocols, sample, quickcount, forensics.

``pollwatch.cli`` dispatches ``pollwatch seats ...`` here as ``main(["seats", ...])``
without setting up Django. Run directly with ``python -m pollwatch.analysis.cli``.

Exit codes: 0 success; 1 ``check-protocols`` found failing protocols; 2 bad input or
usage (the message names the file, line and column; no traceback).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import numpy as np

from ._csv import InputError, read_csv
from ._io import (
    VoteTotals,
    read_district_votes,
    read_frame,
    read_results,
    read_votes,
    write_sample,
)
from .forensics import forensics_report, save_figures
from .protocols import TEXT_FIELDS, Equation, EquationError, check_protocols
from .quickcount import quick_count
from .sampling import design_sample
from .seats import (
    METHODS,
    THRESHOLD_BASES,
    TIE_RULES,
    TieError,
    allocate_parallel,
    allocate_plurality,
    allocate_seats,
)

__all__ = ["main"]


class _UsageError(Exception):
    """argparse's complaint, turned into exit code 2 by :func:`main`."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(self, message)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _print_json(data: dict[str, Any], out: TextIO) -> None:
    json.dump(_jsonable(data), out, ensure_ascii=False, indent=2, allow_nan=False)
    out.write("\n")


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str], out: TextIO) -> None:
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for k, row in enumerate(cells):
        line = "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        out.write(line.rstrip() + "\n")
        if k == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def _pct(x: float | None, digits: int = 2) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{100 * x:.{digits}f} %"


def _tie_rules(text: str) -> tuple[str, ...]:
    rules = tuple(r.strip() for r in text.split(",") if r.strip())
    bad = [r for r in rules if r not in TIE_RULES]
    if bad or not rules:
        raise argparse.ArgumentTypeError(f"tie rules are a comma-separated list of {', '.join(TIE_RULES)}")
    return rules


def _share(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 1")
    return value


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pollwatch",
        description="Seat allocation, protocol checks, quick count and election forensics over CSV files.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    seats = commands.add_parser(
        "seats",
        help="allocate seats from vote totals",
        description="Allocate seats. VOTES has 'choice,votes' rows (optional rows 'against "
        "all' and 'invalid'); with --method plurality it has "
        "'district,choice,votes' rows.",
    )
    seats.add_argument("votes", help="CSV of votes")
    seats.add_argument("--seats", type=int, help="seats to fill (list seats)")
    seats.add_argument("--method", default="hare", help=f"{', '.join(METHODS)} or plurality")
    seats.add_argument(
        "--threshold", type=float, default=0.0, help="percent of the base a list needs (default 0)"
    )
    seats.add_argument(
        "--threshold-base",
        choices=THRESHOLD_BASES,
        default="cast",
        help="cast: all ballots incl. 'against all' and invalid; valid: "
        "valid votes incl. 'against all'; parties: votes for lists",
    )
    seats.add_argument(
        "--districts",
        help="CSV 'district,choice,votes' of single-member districts, added to the list seats (parallel)",
    )
    seats.add_argument(
        "--tie-break",
        type=_tie_rules,
        default=("votes", "lot"),
        help="rules tried in turn for ties: votes, lot, order (default votes,lot)",
    )
    seats.add_argument("--seed", type=int, help="seed of the draw by lot")
    seats.add_argument("--json", action="store_true", help="print JSON")

    protocols = commands.add_parser(
        "check-protocols",
        help="check the control equations of result protocols",
        description="Check each station's protocol. PROTOCOLS has 'station' and the fields "
        "registered, received, issued, issued_mobile, cancelled, ballots, valid, "
        "invalid; every column after 'invalid' is a choice.",
    )
    protocols.add_argument("protocols", help="CSV of station protocols")
    protocols.add_argument(
        "--equations", help='JSON list of equations ({"name","lhs","op","rhs"} or strings)'
    )
    protocols.add_argument(
        "--limit", type=int, default=50, help="failures listed in the text output (default 50)"
    )
    protocols.add_argument("--json", action="store_true", help="print JSON")

    sample = commands.add_parser(
        "sample",
        help="size and draw a quick-count sample",
        description="Compute the sample size (NDI formula) and draw a stratified random "
        "sample of stations from FRAME ('station,stratum,registered').",
    )
    sample.add_argument("--frame", required=True, help="CSV 'station,stratum,registered'")
    size = sample.add_mutually_exclusive_group(required=True)
    size.add_argument("--moe", type=_share, help="margin of error as a share, e.g. 0.01")
    size.add_argument("--stations", type=int, help="draw this many stations instead")
    sample.add_argument("--deff", type=float, default=1.0, help="design effect (default 1)")
    sample.add_argument("--turnout", type=_share, default=0.5, help="expected turnout (default 0.5)")
    sample.add_argument(
        "--z", type=float, default=1.96, help="normal quantile: 1.96 for 95 %%, 2.58 for 99 %%"
    )
    sample.add_argument(
        "--min-per-stratum", type=int, default=2, help="minimum stations per stratum (default 2)"
    )
    sample.add_argument("--seed", type=int, help="seed of the draw (printed if not given)")
    sample.add_argument("--out", help="write the drawn stations to this CSV")
    sample.add_argument("--json", action="store_true", help="print JSON")

    count = commands.add_parser(
        "quickcount",
        help="estimate results from a quick-count sample",
        description="Estimate every choice's share, turnout and invalid share from the "
        "protocols of sampled stations ('station,ballots,valid,invalid,<choices>').",
    )
    count.add_argument("--frame", required=True, help="CSV 'station,stratum,registered'")
    count.add_argument("--sample", required=True, help="CSV of reported sampled stations")
    count.add_argument("--official", help="CSV of official station results, to compare")
    count.add_argument(
        "--drawn", help="CSV of the stations drawn (the output of 'pollwatch sample --out'), for coverage"
    )
    count.add_argument("--confidence", type=_share, default=0.95, help="default 0.95")
    count.add_argument("--seats", type=int, help="seats that follow from the estimates")
    count.add_argument("--method", default="hare", help=f"{', '.join(METHODS)}")
    count.add_argument("--threshold", type=float, default=0.0, help="percent, default 0")
    count.add_argument("--threshold-base", choices=THRESHOLD_BASES, default="cast")
    count.add_argument(
        "--draws", type=int, default=2000, help="simulated allocations for the seat range (default 2000)"
    )
    count.add_argument("--seed", type=int, help="seed of the seat simulation")
    count.add_argument("--json", action="store_true", help="print JSON")

    forensics = commands.add_parser(
        "forensics",
        help="screen official station results",
        description="Fingerprint, integer percentages, digit tests and outliers over "
        "'station,region,registered,ballots,valid,invalid,<choices>'.",
    )
    forensics.add_argument("results", help="CSV of official station results")
    forensics.add_argument("--leader", help="choice to examine (default: most votes)")
    forensics.add_argument("--figures", help="write fingerprint.png and percentages.png here")
    forensics.add_argument(
        "--simulations", type=int, default=0, help="Monte Carlo draws for the integer test (default 0: exact)"
    )
    forensics.add_argument("--seed", type=int, help="seed of the Monte Carlo draws")
    forensics.add_argument(
        "--limit", type=int, default=20, help="stations and regions listed in the text output (default 20)"
    )
    forensics.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: list[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one analysis command; return the exit code (0, 1 or 2)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        exc.parser.print_usage(err)
        err.write(f"{exc.parser.prog}: error: {exc}\n")
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    handlers = {
        "seats": _seats,
        "check-protocols": _check_protocols,
        "sample": _sample,
        "quickcount": _quickcount,
        "forensics": _forensics,
    }
    try:
        return handlers[args.command](args, out)
    except BrokenPipeError:  # the reader stopped early (| head): not an error
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (InputError, TieError, ValueError) as exc:
        err.write(f"pollwatch {args.command}: error: {exc}\n")
        return 2
    except OSError as exc:
        err.write(f"pollwatch {args.command}: error: {exc.strerror or exc}: {exc.filename or ''}\n")
        return 2


def _seats(args: argparse.Namespace, out: TextIO) -> int:
    if args.method.strip().lower() in ("plurality", "fptp"):
        return _seats_plurality(args, out)
    if args.seats is None:
        raise InputError("--seats is needed for a proportional method")
    totals = read_votes(args.votes)
    if args.districts:
        return _seats_parallel(args, totals, out)
    result = allocate_seats(totals.votes, args.seats, args.method, **_list_options(args, totals))
    if args.json:
        _print_json(result.to_dict(), out)
        return 0
    base = result.base_votes
    rows = [
        (
            c,
            v,
            _pct(v / base if base else float("nan")),
            "yes" if c in result.qualified else "no",
            result.seats[c],
        )
        for c, v in result.votes.items()
    ]
    _table(rows, ["choice", "votes", f"% of {result.threshold_base}", "qualified", "seats"], out)
    quota = f"{result.quota:,.2f}" if result.quota is not None else "none (divisor method)"
    out.write(
        f"\n{result.total_seats} seats, {result.method}; quota {quota}; threshold "
        f"{result.threshold:g} % of {base:,} ({result.threshold_base})\n"
    )
    for note in result.notes:
        out.write(f"note: {note}\n")
    _print_ties(result.ties, out)
    return 0


def _list_options(args: argparse.Namespace, totals: VoteTotals) -> dict[str, Any]:
    """The keyword arguments of allocate_seats taken from the command line and the file."""
    return {
        "threshold": args.threshold,
        "threshold_base": args.threshold_base,
        "against_all": totals.against_all,
        "invalid": totals.invalid,
        "tie_break": args.tie_break,
        "seed": args.seed,
    }


def _seats_plurality(args: argparse.Namespace, out: TextIO) -> int:
    result = allocate_plurality(read_district_votes(args.votes), tie_break=args.tie_break, seed=args.seed)
    if args.json:
        _print_json(result.to_dict(), out)
        return 0
    _table(sorted(result.seats.items(), key=lambda kv: -kv[1]), ["choice", "districts"], out)
    _print_ties(result.ties, out)
    return 0


def _seats_parallel(args: argparse.Namespace, totals: VoteTotals, out: TextIO) -> int:
    districts = read_district_votes(args.districts)
    result = allocate_parallel(
        totals.votes, args.seats, districts, args.method, **_list_options(args, totals)
    )
    if args.json:
        _print_json(result.to_dict(), out)
        return 0
    rows = [
        (
            c,
            totals.votes.get(c, ""),
            result.list_seats.seats.get(c, 0),
            result.district_seats.seats.get(c, 0),
            n,
        )
        for c, n in sorted(result.seats.items(), key=lambda kv: -kv[1])
    ]
    _table(rows, ["choice", "list votes", "list", "districts", "total"], out)
    _print_ties(result.ties, out)
    return 0


def _print_ties(ties: Sequence[Any], out: TextIO) -> None:
    for tie in ties:
        where = f" in {tie.district}" if tie.district else ""
        seed = f" (seed {tie.seed})" if tie.seed is not None else ""
        out.write(
            f"tie{where}: {', '.join(tie.choices)} at {tie.value:g} for {tie.seats} "
            f"seat(s); won by {', '.join(tie.winners)} by {tie.rule}{seed}\n"
        )


def _read_equations(path: str) -> list[Equation]:
    name = Path(path).name
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{name} line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, list):
        raise InputError(f"{name}: expected a JSON list of equations")
    equations = []
    for i, item in enumerate(data, start=1):
        try:
            equations.append(Equation.from_dict(item))
        except EquationError as exc:
            raise InputError(f"{name}, equation {i}: {exc}") from None
    return equations


def _check_protocols(args: argparse.Namespace, out: TextIO) -> int:
    table = read_csv(args.protocols, required=("station",))
    columns: dict[str, Any] = {"station": table.text("station")}
    for i, column in enumerate(table.header):
        if column.lower() not in TEXT_FIELDS:
            columns[column] = table.integers(i)
    choices = table.header[table.index("invalid") + 1 :] if table.has("invalid") else ()
    equations = _read_equations(args.equations) if args.equations else None
    result = check_protocols(columns, equations, choices=choices)
    if args.json:
        _print_json(result.to_dict(), out)
        return 0 if result.ok else 1
    out.write(f"{result.stations} protocols, {result.failed_stations} failing at least one equation\n\n")
    _table([(name, result.summary[name]) for name in result.checked], ["equation", "failing"], out)
    if result.skipped:
        out.write(f"\nskipped (fields missing): {', '.join(result.skipped)}\n")
    if result.failures:
        out.write("\n")
        shown = result.failures[: args.limit]
        _table(
            [(f.station, f.equation, f.lhs, f.rhs, f"{f.difference:+d}") for f in shown],
            ["station", "equation", "lhs", "rhs", "difference"],
            out,
        )
        if len(result.failures) > len(shown):
            out.write(f"... and {len(result.failures) - len(shown)} more (--limit, --json)\n")
    return 0 if result.ok else 1


def _sample(args: argparse.Namespace, out: TextIO) -> int:
    frame = read_frame(args.frame)
    design = design_sample(
        frame,
        args.moe,
        stations=args.stations,
        turnout=args.turnout,
        deff=args.deff,
        z=args.z,
        min_per_stratum=args.min_per_stratum,
        seed=args.seed,
    )
    if args.out:
        write_sample(args.out, frame, design.rows)
    if args.json:
        data = design.to_dict()
        if args.out:
            data.pop("drawn")
        _print_json(data, out)
        return 0
    size = design.size
    if math.isfinite(size.moe):
        out.write(
            f"voters needed: {size.voters:,} (P = {size.p}, E = {size.moe}, Z = {size.z}, "
            f"N = {size.population:,.0f} expected voters)\n"
        )
    out.write(
        f"votes per station: {size.votes_per_station:,.1f} (mean registered x turnout "
        f"{design.turnout}); design effect {size.deff}\n"
    )
    source = "by the formula" if math.isfinite(size.moe) else "asked for"
    out.write(
        f"stations: {int(design.rows.size):,} drawn of {len(frame):,} ({size.stations:,} {source}, "
        f"at least {design.min_per_stratum} per stratum); seed {design.seed}\n\n"
    )
    _table(
        [(s.stratum, s.frame_stations, s.registered, s.sampled) for s in design.strata],
        ["stratum", "stations", "registered", "sampled"],
        out,
    )
    if args.out:
        out.write(f"\ndrawn stations written to {args.out}\n")
    return 0


def _quickcount(args: argparse.Namespace, out: TextIO) -> int:
    frame = read_frame(args.frame)
    sample = read_results(args.sample)
    official = read_results(args.official) if args.official else None
    drawn = read_csv(args.drawn, required=("station",)).text("station") if args.drawn else None
    result = quick_count(
        frame,
        sample,
        official=official,
        drawn=drawn.tolist() if drawn is not None else None,
        confidence=args.confidence,
        seats=args.seats,
        method=args.method,
        threshold=args.threshold,
        threshold_base=args.threshold_base,
        draws=args.draws,
        seed=args.seed,
    )
    if args.json:
        _print_json(result.to_dict(), out)
        return 0
    level = f"{100 * result.confidence:g} %"
    header = ["", "estimate", f"margin ({level})", "low", "high"]
    rows = []
    for name, e in result.estimates.items():
        row = [name, _pct(e.estimate), _pct(e.moe), _pct(e.low), _pct(e.high)]
        if result.official is not None:
            o = result.official.get(name)
            row += [_pct(o.share), "yes" if o.inside else "NO", f"{o.z:+.2f}"] if o else ["-", "-", "-"]
        rows.append(row)
    if result.official is not None:
        header += ["official", "inside", "z"]
    out.write(
        f"{result.stations} stations reported; shares of valid votes, turnout = "
        "ballots / registered, invalid = invalid / ballots\n\n"
    )
    _table(rows, header, out)
    if result.seats is not None:
        s = result.seats
        out.write(
            f"\n{s.total_seats} seats, {s.method}, threshold {s.threshold:g} % "
            f"({s.threshold_base}); range over {s.draws} simulated samples "
            f"(seed {s.seed})\n\n"
        )
        _table(
            [(c, r.seats, f"{r.low}-{r.high}", _pct(r.probability_qualified, 1)) for c, r in s.seats.items()],
            ["choice", "seats", f"range ({level})", "P(qualifies)"],
            out,
        )
    out.write("\n")
    _table(
        [
            (c.stratum, c.frame, "-" if c.drawn is None else c.drawn, c.reported, _pct(c.share, 0))
            for c in result.coverage
        ],
        ["stratum", "stations", "drawn", "reported", "coverage"],
        out,
    )
    for note in result.notes:
        out.write(f"note: {note}\n")
    return 0


def _forensics(args: argparse.Namespace, out: TextIO) -> int:
    results = read_results(args.results, required=("registered",))
    report = forensics_report(results, leader=args.leader, simulations=args.simulations, seed=args.seed)
    paths = save_figures(report, args.figures) if args.figures else []
    if args.json:
        data = report.to_dict()
        if paths:
            data["figures"] = [str(p) for p in paths]
        _print_json(data, out)
        return 0
    out.write(f"{report.stations:,} stations; leader {report.leader}\n\n")
    ip = report.integer_percentages
    if ip is not None:
        out.write("stations at a whole percentage (rounded to 0.1 %), against the binomial null:\n")
        _table(
            [
                (k, t.observed, f"{t.expected:.1f}", f"{t.excess:+.1f}", f"{t.sd:.1f}", f"{t.p_value:.2g}")
                for k, t in (("turnout", ip.turnout), ("leader", ip.leader), ("either", ip.either))
            ],
            ["", "observed", "expected", "excess", "sd", "p"],
            out,
        )
    if report.last_digit is not None and report.second_digit is not None:
        ld, sd = report.last_digit, report.second_digit
        out.write(
            f"\nlast digits (counts expected >= {ld.min_count}): chi2 = {ld.chi2:.1f}, "
            f"p = {ld.p_value:.2g}, n = {ld.n:,}\n"
        )
        out.write(
            f"second digits (counts expected >= {sd.min_expected:g}, against the binomial null): "
            f"mean {sd.mean:.3f} (expected {sd.expected_mean:.3f}), p = {sd.p_value:.2g}; "
            f"chi2 = {sd.chi2:.1f} ({sd.df} d.f.), p = {sd.chi2_p_value:.2g}, n = {sd.n:,}\n"
        )
        if sd.benford is not None:
            b = sd.benford
            out.write(
                f"  against Benford's law (descriptive: honest counts need not follow it): "
                f"mean {b.mean:.3f} (Benford 4.187), chi2 = {b.chi2:.1f}, n = {b.n:,}\n"
            )
    fp = report.fingerprint
    out.write(
        f"\nfingerprint: {_pct(fp.corner_share)} of voters at stations with turnout and "
        f"leader >= 95 %; {fp.smear_stations} stations in the smear "
        f"({_pct(fp.smear_share)} of voters)\n"
    )
    out.write(f"\nregions to look at (of {len(report.regions)}):\n")
    shown = [r for r in report.regions if r.reasons][: args.limit]
    for region in shown:
        out.write(f"  {region.region}: {'; '.join(region.reasons)}\n")
    if not shown:
        out.write("  none\n")
    out.write(f"\nstations to look at ({len(report.outliers)} outliers, top {args.limit}):\n")
    for o in report.outliers[: args.limit]:
        out.write(f"  {o.station} [{o.region}] score {o.score:.1f}: {'; '.join(o.reasons)}\n")
    for note in report.notes:
        out.write(f"note: {note}\n")
    if paths:
        out.write(f"\nfigures: {', '.join(str(p) for p in paths)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
