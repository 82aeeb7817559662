"""pollwatch's analysis engine: seat allocation, protocol checks, quick count and forensics.

Plain Python over numpy and scipy; it imports nothing from Django or the other apps, which
call it with plain dicts and arrays. Every function returns a named result with a
``to_dict()`` for JSON. The formulas and their sources are in ``docs/methods.md``.

- seats: :func:`allocate_seats`, :func:`allocate_plurality`, :func:`allocate_parallel`
- protocols: :func:`check_protocols`, :func:`check_protocol`, :class:`Equation`
- quick count: :func:`sample_size`, :func:`design_sample`, :func:`quick_count`
- forensics: :func:`forensics_report` and its parts (:func:`fingerprint`,
  :func:`integer_percentages`, :func:`last_digit_test`, :func:`second_digit_test` with
  :func:`benford_second_digit`, :func:`regional_outliers`), :func:`save_figures`
- data: :class:`StationResults`, :class:`StationFrame`, :func:`simulate_election`
"""

from ._csv import InputError
from ._io import StationFrame, StationResults
from .forensics import (
    BENFORD_SECOND_DIGIT,
    BENFORD_SECOND_MEAN,
    BenfordSecondDigit,
    Fingerprint,
    ForensicsReport,
    IntegerPercentages,
    IntegerTest,
    LastDigitTest,
    Outlier,
    RegionScreen,
    SecondDigitTest,
    benford_second_digit,
    fingerprint,
    forensics_report,
    integer_percentages,
    last_digit_test,
    regional_outliers,
    save_figures,
    second_digit_test,
    whole_percent,
)
from .protocols import (
    DEFAULT_EQUATIONS,
    PROTOCOL_FIELDS,
    Equation,
    EquationError,
    Failure,
    ProtocolCheckResult,
    check_protocol,
    check_protocols,
)
from .quickcount import (
    Estimate,
    OfficialComparison,
    QuickCountResult,
    SeatProjection,
    SeatRange,
    StratumCoverage,
    quick_count,
)
from .sampling import SampleDesign, SampleSize, StratumAllocation, design_sample, sample_size
from .seats import (
    METHODS,
    THRESHOLD_BASES,
    TIE_RULES,
    ParallelAllocation,
    PluralityResult,
    SeatAllocation,
    Tie,
    TieError,
    allocate_parallel,
    allocate_plurality,
    allocate_seats,
)
from .simulate import SimulatedElection, simulate_election

__all__ = [
    "BENFORD_SECOND_DIGIT",
    "BENFORD_SECOND_MEAN",
    "BenfordSecondDigit",
    "DEFAULT_EQUATIONS",
    "METHODS",
    "PROTOCOL_FIELDS",
    "THRESHOLD_BASES",
    "TIE_RULES",
    "Equation",
    "EquationError",
    "Estimate",
    "Failure",
    "Fingerprint",
    "ForensicsReport",
    "InputError",
    "IntegerPercentages",
    "IntegerTest",
    "LastDigitTest",
    "OfficialComparison",
    "Outlier",
    "ParallelAllocation",
    "PluralityResult",
    "ProtocolCheckResult",
    "QuickCountResult",
    "RegionScreen",
    "SampleDesign",
    "SampleSize",
    "SeatAllocation",
    "SeatProjection",
    "SeatRange",
    "SecondDigitTest",
    "SimulatedElection",
    "StationFrame",
    "StationResults",
    "StratumAllocation",
    "StratumCoverage",
    "Tie",
    "TieError",
    "allocate_parallel",
    "allocate_plurality",
    "allocate_seats",
    "benford_second_digit",
    "check_protocol",
    "check_protocols",
    "design_sample",
    "fingerprint",
    "forensics_report",
    "integer_percentages",
    "last_digit_test",
    "quick_count",
    "regional_outliers",
    "sample_size",
    "save_figures",
    "second_digit_test",
    "simulate_election",
    "whole_percent",
]
