"""Helpers shared by the forensic screens."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .._csv import InputError
from .._io import StationResults, is_against_all

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MAD_TO_SD = 1.4826
"""MAD times this estimates the standard deviation of a normal sample."""


def finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def registered_voters(results: StationResults) -> IntArray:
    if results.registered is None:
        raise InputError("the results need a 'registered' column for turnout")
    return results.registered


def leader_name(results: StationResults, leader: str | None) -> str:
    if leader is not None:
        if leader not in results.choices:
            raise InputError(f"no choice named {leader!r}")
        return leader
    totals = results.votes.sum(axis=0)
    candidates = [j for j, c in enumerate(results.choices) if not is_against_all(c)]
    if not candidates:
        raise InputError("the results have no choices")
    return results.choices[max(candidates, key=lambda j: totals[j])]


def leader_votes(results: StationResults, leader: str | None) -> IntArray:
    return results.choice(leader_name(results, leader))
