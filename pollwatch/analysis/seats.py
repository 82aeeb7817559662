"""Seat allocation: largest remainder, highest averages, plurality and parallel systems.

Every function returns a named result whose ``to_dict()`` gives the JSON shape of
``pollwatch seats --json``::

    {"seats": {"<choice>": n, ...}, "quota": <number or null>,
     "qualified": ["<choice>", ...], "ties": [{...}, ...], ...}

Ties are never broken silently: whenever tied choices compete for fewer seats than they
are, the rule that decided is applied and the tie is listed in ``ties``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ._io import is_against_all

__all__ = [
    "METHODS",
    "THRESHOLD_BASES",
    "TIE_RULES",
    "ParallelAllocation",
    "PluralityResult",
    "SeatAllocation",
    "Tie",
    "TieError",
    "allocate_parallel",
    "allocate_plurality",
    "allocate_seats",
]

QUOTA_METHODS = ("hare", "droop", "imperiali")
DIVISOR_METHODS = ("dhondt", "sainte-lague", "modified-sainte-lague")
METHODS = QUOTA_METHODS + DIVISOR_METHODS
"""Proportional methods: three quotas for the largest remainder, three divisor series."""

THRESHOLD_BASES = ("cast", "valid", "parties")
"""What the threshold is a share of: all ballots cast (choices, "against all" and invalid),
valid votes (choices and "against all"), or votes for the choices only."""

TIE_RULES = ("votes", "lot", "order")
"""``votes``: more votes wins; ``lot``: a seeded random draw; ``order``: the order in which
the choices were given (the order of the ballot or of the file)."""

DEFAULT_TIE_BREAK = ("votes", "lot")

_ALIASES = {
    "hare": "hare",
    "hamilton": "hare",
    "droop": "droop",
    "imperiali": "imperiali",
    "dhondt": "dhondt",
    "jefferson": "dhondt",
    "saintelague": "sainte-lague",
    "webster": "sainte-lague",
    "modifiedsaintelague": "modified-sainte-lague",
    "plurality": "plurality",
    "fptp": "plurality",
}


class TieError(ValueError):
    """A tie that the configured rules could not break (add ``lot`` or ``order``)."""


def normalise_method(method: str) -> str:
    """Canonical method name: accents, case, spaces, hyphens and apostrophes are ignored."""
    plain = unicodedata.normalize("NFKD", method).encode("ascii", "ignore").decode()
    key = "".join(ch for ch in plain.lower() if ch.isalnum())
    if key not in _ALIASES:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)} or plurality")
    return _ALIASES[key]


@dataclass(frozen=True)
class Tie:
    """A tie that decided who got a seat.

    Attributes
    ----------
    stage : str
        ``remainder`` (largest remainder), ``quotient`` (highest averages) or
        ``plurality`` (a district winner).
    choices : tuple of str
        The tied choices, in the order they were given.
    value : float
        The tied remainder (in quotas), quotient (votes per seat) or vote count.
    seats : int
        How many of the tied choices get a seat.
    winners : tuple of str
        The choices that got it.
    rule : str
        The rule that decided: ``votes``, ``lot`` or ``order``.
    seed : int or None
        The seed of the draw when the rule was ``lot`` (rerun with it to replay the draw).
    district : str or None
        The district, for plurality ties.
    """

    stage: str
    choices: tuple[str, ...]
    value: float
    seats: int
    winners: tuple[str, ...]
    rule: str
    seed: int | None = None
    district: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the fields above."""
        return {
            "stage": self.stage,
            "choices": list(self.choices),
            "value": self.value,
            "seats": self.seats,
            "winners": list(self.winners),
            "rule": self.rule,
            "seed": self.seed,
            "district": self.district,
        }


@dataclass(frozen=True)
class SeatAllocation:
    """The seats won by each choice under a proportional method.

    Attributes
    ----------
    method : str
        One of :data:`METHODS`.
    total_seats : int
        Seats to fill.
    seats : dict
        Seats per choice, for every choice given (0 for those below the threshold).
    votes : dict
        The votes used, per choice.
    quota : float or None
        The quota (largest remainder methods), or None for divisor methods.
    qualified : tuple of str
        The choices at or over the threshold, in the order given.
    threshold : float
        The threshold in percent of `base_votes`.
    threshold_base : str
        One of :data:`THRESHOLD_BASES`.
    base_votes : int
        The votes the threshold is a share of.
    ties : tuple of Tie
        Ties that decided a seat.
    notes : tuple of str
        Anything unusual (e.g. the Imperiali quota handing out too many seats).
    """

    method: str
    total_seats: int
    seats: dict[str, int]
    votes: dict[str, int]
    quota: float | None
    qualified: tuple[str, ...]
    threshold: float
    threshold_base: str
    base_votes: int
    ties: tuple[Tie, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"seats", "quota", "qualified", "ties", "method", "total_seats", "threshold",
        "threshold_base", "base_votes", "votes", "notes"}``."""
        return {
            "seats": dict(self.seats),
            "quota": self.quota,
            "qualified": list(self.qualified),
            "ties": [tie.to_dict() for tie in self.ties],
            "method": self.method,
            "total_seats": self.total_seats,
            "threshold": self.threshold,
            "threshold_base": self.threshold_base,
            "base_votes": self.base_votes,
            "votes": dict(self.votes),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class PluralityResult:
    """The winner of each single-member district.

    Attributes
    ----------
    winners : dict
        ``{district: choice}``.
    seats : dict
        Districts won per choice (every choice that stood, 0 included).
    ties : tuple of Tie
        Districts where the first place was tied.
    """

    winners: dict[str, str]
    seats: dict[str, int]
    ties: tuple[Tie, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{"seats", "winners", "ties", "quota": null, "qualified"}``."""
        return {
            "seats": dict(self.seats),
            "quota": None,
            "qualified": [choice for choice, n in self.seats.items() if n > 0],
            "ties": [tie.to_dict() for tie in self.ties],
            "method": "plurality",
            "winners": dict(self.winners),
        }


@dataclass(frozen=True)
class ParallelAllocation:
    """A mixed parallel system: list seats plus district winners, added up per choice.

    Attributes
    ----------
    seats : dict
        Total seats per choice.
    list_seats : SeatAllocation
        The proportional part.
    district_seats : PluralityResult
        The single-member districts.
    """

    seats: dict[str, int]
    list_seats: SeatAllocation
    district_seats: PluralityResult

    @property
    def ties(self) -> tuple[Tie, ...]:
        """Ties of both parts."""
        return self.list_seats.ties + self.district_seats.ties

    def to_dict(self) -> dict[str, Any]:
        """``{"seats", "quota", "qualified", "ties", "list", "districts"}``."""
        return {
            "seats": dict(self.seats),
            "quota": self.list_seats.quota,
            "qualified": list(self.list_seats.qualified),
            "ties": [tie.to_dict() for tie in self.ties],
            "method": f"parallel ({self.list_seats.method} + plurality)",
            "list": self.list_seats.to_dict(),
            "districts": self.district_seats.to_dict(),
        }


@dataclass
class _TieBreaker:
    """Applies the tie rules in turn and records every tie it breaks."""

    rules: tuple[str, ...]
    votes: Mapping[str, int]  # replaced per district by allocate_plurality
    order: Sequence[str]
    seed: int | None
    ties: list[Tie] = field(default_factory=list)
    _rng: np.random.Generator | None = None

    def __post_init__(self) -> None:
        unknown = [rule for rule in self.rules if rule not in TIE_RULES]
        if unknown or not self.rules:
            raise ValueError(
                f"unknown tie rule {', '.join(unknown) or '(none)'}; use a list of {', '.join(TIE_RULES)}"
            )

    def _lot_order(self, names: Sequence[str]) -> list[str]:
        if self._rng is None:
            if self.seed is None:
                self.seed = int(np.random.SeedSequence().generate_state(1)[0])
            self._rng = np.random.default_rng(self.seed)
        permutation = self._rng.permutation(len(names))
        return [names[i] for i in permutation]

    def _ranked(self, rule: str, names: Sequence[str]) -> list[list[str]]:
        """Groups of equal rank under one rule, best first."""
        if rule == "votes":
            levels = sorted({self.votes.get(n, 0) for n in names}, reverse=True)
            return [[n for n in names if self.votes.get(n, 0) == v] for v in levels]
        if rule == "order":
            position = {name: i for i, name in enumerate(self.order)}
            return [[n] for n in sorted(names, key=lambda n: position.get(n, len(position)))]
        return [[n] for n in self._lot_order(names)]

    def _pick(self, names: list[str], k: int, rules: Sequence[str]) -> tuple[list[str], str]:
        if not rules:
            raise TieError(
                f"tie between {', '.join(names)} for {k} seat(s) that the tie rules "
                "cannot break; add 'lot' or 'order' to the rules"
            )
        winners: list[str] = []
        for group in self._ranked(rules[0], names):
            if len(winners) + len(group) <= k:
                winners.extend(group)
                decided_by = rules[0]
            else:
                more, decided_by = self._pick(group, k - len(winners), rules[1:])
                winners.extend(more)
            if len(winners) == k:
                return winners, decided_by
        return winners, rules[0]

    def pick(
        self, names: list[str], k: int, stage: str, value: float, district: str | None = None
    ) -> list[str]:
        """Choose `k` of the tied `names` and record the tie."""
        names = [n for n in self.order if n in names] + [n for n in names if n not in self.order]
        winners, rule = self._pick(names, k, self.rules)
        self.ties.append(
            Tie(
                stage,
                tuple(names),
                value,
                k,
                tuple(n for n in names if n in winners),
                rule,
                self.seed if rule == "lot" else None,
                district,
            )
        )
        return winners


def _fraction(value: float | int | str) -> Fraction:
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def _threshold_base(votes: Mapping[str, int], against_all: int, invalid: int, base: str) -> int:
    parties = sum(votes.values())
    if base == "cast":
        return parties + against_all + invalid
    if base == "valid":
        return parties + against_all
    if base == "parties":
        return parties
    raise ValueError(f"unknown threshold base {base!r}; use one of {', '.join(THRESHOLD_BASES)}")


def _check_votes(votes: Mapping[str, int]) -> dict[str, int]:
    clean: dict[str, int] = {}
    for name, count in votes.items():
        if int(count) != count or count < 0:
            raise ValueError(f"votes for {name!r} must be a whole number of 0 or more")
        clean[str(name)] = int(count)
    if not clean:
        raise ValueError("no choices to allocate seats to")
    return clean


def allocate_seats(
    votes: Mapping[str, int],
    seats: int,
    method: str = "hare",
    *,
    threshold: float = 0.0,
    threshold_base: str = "cast",
    against_all: int = 0,
    invalid: int = 0,
    tie_break: Sequence[str] = DEFAULT_TIE_BREAK,
    seed: int | None = None,
) -> SeatAllocation:
    r"""Allocate `seats` among the choices over the threshold.

    A choice qualifies when its votes are at least ``threshold`` percent of the base:
    ``100 * votes >= threshold * base``. Choices named "against all" are never given
    seats; pass their votes as `against_all` (they count towards the ``cast`` and
    ``valid`` bases).

    **Largest remainder.** With :math:`V` the votes of the qualified choices and :math:`S`
    the seats, the quota is

    - Hare: :math:`q = V / S`;
    - Droop: :math:`q = \lfloor V / (S + 1) \rfloor + 1`;
    - Imperiali: :math:`q = V / (S + 2)`.

    Each choice first gets :math:`\lfloor v_i / q \rfloor` seats; the seats left go one
    each to the largest remainders :math:`v_i / q - \lfloor v_i / q \rfloor`. If the
    Imperiali quota hands out more seats than there are, the allocation is redone with the
    Droop quota (the usual remedy) and a note says so.

    **Highest averages.** Seats go one by one to the largest quotient
    :math:`v_i / d(s_i)`, where :math:`s_i` is the seats already won and
    :math:`d(s) = s + 1` (D'Hondt), :math:`2s + 1` (Sainte-Laguë) or, for the modified
    Sainte-Laguë method, :math:`1.4` for the first seat and :math:`2s + 1` after.

    Remainders and quotients are compared exactly (rational arithmetic), so a tie is a
    true tie. When tied choices compete for fewer seats than they are, `tie_break` decides:
    rules are tried in turn (``votes``: more votes first; ``lot``: a random draw seeded by
    `seed`; ``order``: the order of `votes`), and each such tie is reported in ``ties``.

    Parameters
    ----------
    votes : mapping of str to int
        Votes per choice, in ballot order.
    seats : int
        Seats to fill (at least 1).
    method : str
        One of :data:`METHODS` (aliases such as ``d'hondt`` are accepted).
    threshold : float
        Percent of the base a choice needs, e.g. ``5`` for 5 %.
    threshold_base : {"cast", "valid", "parties"}
        What the threshold is a share of (see :data:`THRESHOLD_BASES`).
    against_all, invalid : int
        Votes "against all" and invalid ballots, for the threshold base.
    tie_break : sequence of str
        Tie rules, tried in turn (:data:`TIE_RULES`).
    seed : int, optional
        Seed of the draw by lot; when None a seed is drawn and reported in the tie.

    Returns
    -------
    SeatAllocation

    Raises
    ------
    TieError
        If a tie cannot be broken by the rules given.

    References
    ----------
    .. [1] M. Gallagher and P. Mitchell (eds.), *The Politics of Electoral Systems*,
       Oxford University Press, 2005, appendix B (quotas and divisors).
    .. [2] F. Pukelsheim, *Proportional Representation: Apportionment Methods and Their
       Applications*, 2nd ed., Springer, 2017, chapters 4-6.
    .. [3] Central Election Commission of Kazakhstan, final results of the Majilis
       election of 19 March 2023 (Hare quota, 5 % of votes cast).

    Examples
    --------
    >>> r = allocate_seats({"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}, 8, "dhondt")
    >>> r.seats
    {'A': 4, 'B': 3, 'C': 1, 'D': 0}
    """
    method = normalise_method(method)
    if method not in METHODS:
        raise ValueError(f"{method} is not a proportional method; use allocate_plurality")
    if int(seats) != seats or seats < 1:
        raise ValueError("seats must be a whole number of 1 or more")
    seats = int(seats)
    clean = _check_votes({k: v for k, v in votes.items() if not is_against_all(k)})
    against_all += sum(int(v) for k, v in votes.items() if is_against_all(k))
    base = _threshold_base(clean, against_all, invalid, threshold_base)
    limit = _fraction(threshold)
    if limit < 0 or limit > 100:
        raise ValueError("threshold must be between 0 and 100 (percent)")
    qualified = [n for n, v in clean.items() if v > 0 and 100 * v >= limit * base]
    breaker = _TieBreaker(tuple(tie_break), clean, list(clean), seed)
    notes: list[str] = []
    quota: Fraction | None = None
    won = dict.fromkeys(clean, 0)
    if not qualified:
        notes.append("no choice reached the threshold: no seats allocated")
    elif method in QUOTA_METHODS:
        quota, by_choice, note = _largest_remainder({n: clean[n] for n in qualified}, seats, method, breaker)
        won.update(by_choice)
        notes.extend(note)
    else:
        won.update(_highest_averages({n: clean[n] for n in qualified}, seats, method, breaker))
    return SeatAllocation(
        method=method,
        total_seats=seats,
        seats=won,
        votes=clean,
        quota=float(quota) if quota is not None else None,
        qualified=tuple(qualified),
        threshold=float(threshold),
        threshold_base=threshold_base,
        base_votes=base,
        ties=tuple(breaker.ties),
        notes=tuple(notes),
    )


def _quota(total: int, seats: int, method: str) -> Fraction:
    if method == "hare":
        return Fraction(total, seats)
    if method == "droop":
        return Fraction(total // (seats + 1) + 1)
    return Fraction(total, seats + 2)


def _largest_remainder(
    votes: dict[str, int], seats: int, method: str, breaker: _TieBreaker
) -> tuple[Fraction, dict[str, int], list[str]]:
    total = sum(votes.values())
    quota = _quota(total, seats, method)
    whole = {n: int(v // quota) for n, v in votes.items()}
    notes: list[str] = []
    if sum(whole.values()) > seats:
        notes.append(
            f"the {method} quota gave {sum(whole.values())} seats for {seats}; "
            "recomputed with the Droop quota"
        )
        quota = _quota(total, seats, "droop")
        whole = {n: int(v // quota) for n, v in votes.items()}
    remainders = {n: v / quota - whole[n] for n, v in votes.items()}
    left = seats - sum(whole.values())
    for name in _top(remainders, left, breaker, "remainder"):
        whole[name] += 1
    return quota, whole, notes


def _top(values: Mapping[str, Fraction], k: int, breaker: _TieBreaker, stage: str) -> list[str]:
    """The `k` names with the largest values; ties across the cut go to the tie rules."""
    if k <= 0:
        return []
    ranked = sorted(values, key=lambda n: values[n], reverse=True)
    if k >= len(ranked):
        return ranked
    cut = values[ranked[k - 1]]
    above = [n for n in ranked if values[n] > cut]
    tied = [n for n in ranked if values[n] == cut]
    if len(above) + len(tied) == k:
        return above + tied
    return above + breaker.pick(tied, k - len(above), stage, float(cut))


def _divisors(method: str, seats: int) -> list[Fraction]:
    if method == "dhondt":
        return [Fraction(s + 1) for s in range(seats)]
    series = [Fraction(2 * s + 1) for s in range(seats)]
    if method == "modified-sainte-lague":
        series[0] = Fraction(7, 5)
    return series


def _highest_averages(votes: dict[str, int], seats: int, method: str, breaker: _TieBreaker) -> dict[str, int]:
    divisors = _divisors(method, seats)
    names = list(votes)
    # Quotients in floating point find the cut; only those near it are compared exactly.
    matrix = np.array([[votes[n] / float(d) for d in divisors] for n in names])
    flat = np.sort(matrix, axis=None)[::-1]
    cut = flat[seats - 1]
    band = max(abs(cut) * 1e-9, 1e-12)
    won = {n: int(np.count_nonzero(matrix[i] > cut + band)) for i, n in enumerate(names)}
    near = {
        (n, s): Fraction(votes[n]) / divisors[s]
        for i, n in enumerate(names)
        for s in np.flatnonzero(np.abs(matrix[i] - cut) <= band).tolist()
    }
    left = seats - sum(won.values())
    exact = sorted(near.values(), reverse=True)
    exact_cut = exact[left - 1]
    for (n, _), q in near.items():
        if q > exact_cut:
            won[n] += 1
            left -= 1
    tied = [n for (n, _), q in near.items() if q == exact_cut]
    if len(tied) == left:
        for n in tied:
            won[n] += 1
    else:
        for n in breaker.pick(tied, left, "quotient", float(exact_cut)):
            won[n] += 1
    return won


def allocate_plurality(
    districts: Mapping[str, Mapping[str, int]],
    *,
    tie_break: Sequence[str] = DEFAULT_TIE_BREAK,
    seed: int | None = None,
) -> PluralityResult:
    """Give each single-member district to the choice with the most votes.

    The districts are put in one table (districts x choices) and the winners found with
    one ``argmax``; only tied districts go through the tie rules, which compare the tied
    choices' votes in that district (``votes`` cannot break such a tie, so put ``lot`` or
    ``order`` after it). "Against all" never wins a district; in some laws its winning
    voids the district, which this function does not model.

    Parameters
    ----------
    districts : mapping of str to mapping of str to int
        ``{district: {choice: votes}}``.
    tie_break, seed
        As for :func:`allocate_seats`.

    Returns
    -------
    PluralityResult

    References
    ----------
    .. [1] M. Gallagher and P. Mitchell (eds.), *The Politics of Electoral Systems*,
       Oxford University Press, 2005, chapter 1 (single-member plurality).
    """
    names = list(districts)
    choices: list[str] = []
    for table in districts.values():
        choices.extend(c for c in table if c not in choices and not is_against_all(c))
    if not names or not choices:
        raise ValueError("no districts or no choices")
    matrix = np.zeros((len(names), len(choices)), dtype=np.int64)
    index = {c: j for j, c in enumerate(choices)}
    for i, name in enumerate(names):
        for choice, count in _check_votes(districts[name]).items():
            if choice in index:
                matrix[i, index[choice]] = count
    best = matrix.max(axis=1)
    winners_at = matrix.argmax(axis=1)
    tied_rows = np.flatnonzero((matrix == best[:, None]).sum(axis=1) > 1)
    winners = {name: choices[j] for name, j in zip(names, winners_at.tolist(), strict=True)}
    breaker = _TieBreaker(tuple(tie_break), {}, choices, seed)
    for i in tied_rows.tolist():
        tied = [choices[j] for j in np.flatnonzero(matrix[i] == best[i]).tolist()]
        breaker.votes = districts[names[i]]
        winners[names[i]] = breaker.pick(tied, 1, "plurality", float(best[i]), names[i])[0]
    seats = dict.fromkeys(choices, 0)
    for choice in winners.values():
        seats[choice] += 1
    return PluralityResult(winners, seats, tuple(breaker.ties))


def allocate_parallel(
    list_votes: Mapping[str, int],
    list_seats: int,
    district_votes: Mapping[str, Mapping[str, int]],
    method: str = "hare",
    *,
    threshold: float = 0.0,
    threshold_base: str = "cast",
    against_all: int = 0,
    invalid: int = 0,
    tie_break: Sequence[str] = DEFAULT_TIE_BREAK,
    seed: int | None = None,
) -> ParallelAllocation:
    """A mixed parallel system: list seats by `method`, plus one seat per district winner.

    The two parts are independent (no compensation), as in the Majilis of Kazakhstan
    (69 list seats, 29 single-member districts). Seats are added up per choice; a district
    winner whose name is not a list is kept under its own name.

    Parameters
    ----------
    list_votes, list_seats, method, threshold, threshold_base, against_all, invalid
        As for :func:`allocate_seats`.
    district_votes
        As for :func:`allocate_plurality`.
    tie_break, seed
        As for :func:`allocate_seats`; both parts use them.

    Returns
    -------
    ParallelAllocation

    References
    ----------
    .. [1] M. Gallagher and P. Mitchell (eds.), *The Politics of Electoral Systems*,
       Oxford University Press, 2005, chapter 1 (mixed parallel systems).
    """
    proportional = allocate_seats(
        list_votes,
        list_seats,
        method,
        threshold=threshold,
        threshold_base=threshold_base,
        against_all=against_all,
        invalid=invalid,
        tie_break=tie_break,
        seed=seed,
    )
    plurality = allocate_plurality(district_votes, tie_break=tie_break, seed=seed)
    total = dict(proportional.seats)
    for choice, n in plurality.seats.items():
        total[choice] = total.get(choice, 0) + n
    return ParallelAllocation(total, proportional, plurality)


def _allocate_many(
    votes: npt.NDArray[np.float64],
    seats: int,
    method: str,
    qualified: npt.NDArray[np.bool_],
) -> npt.NDArray[np.int64]:
    """Allocate seats for many vote vectors at once (rows of `votes`), without tie rules.

    For simulated vote shares, where exact ties have probability zero. `qualified` masks
    the choices over the threshold, row by row. Used by the quick count for the range of
    seats consistent with the sampling error.
    """
    method = normalise_method(method)
    v = np.where(qualified, np.maximum(votes, 0.0), 0.0)
    draws, parties = v.shape
    if method in QUOTA_METHODS:
        total = v.sum(axis=1, keepdims=True)
        safe = np.where(total > 0, total, 1.0)
        if method == "hare":
            quota = safe / seats
        elif method == "droop":
            quota = np.floor(safe / (seats + 1)) + 1
        else:
            quota = safe / (seats + 2)
        share = v / quota
        whole = np.floor(share)
        over = whole.sum(axis=1) > seats
        if over.any():
            droop = np.floor(safe[over] / (seats + 1)) + 1
            share[over] = v[over] / droop
            whole[over] = np.floor(share[over])
        remainder = np.where(qualified, share - whole, -1.0)
        left = (seats - whole.sum(axis=1)).astype(np.int64)
        rank = np.argsort(np.argsort(-remainder, axis=1, kind="stable"), axis=1)
        won = whole + (rank < left[:, None])
        won[total[:, 0] <= 0] = 0
        return won.astype(np.int64)
    divisors = np.array([float(d) for d in _divisors(method, seats)])
    won = np.zeros((draws, parties), dtype=np.int64)
    block = max(1, 2_000_000 // (parties * seats))
    for start in range(0, draws, block):
        part = v[start : start + block]
        rows = part.shape[0]
        quotients = (part[:, :, None] / divisors[None, None, :]).reshape(rows, parties * seats)
        top = np.argpartition(-quotients, seats - 1, axis=1)[:, :seats]
        counts = np.zeros((rows, parties), dtype=np.int64)
        np.add.at(counts, (np.repeat(np.arange(rows), seats), (top // seats).ravel()), 1)
        won[start : start + block] = counts
    won[v.sum(axis=1) <= 0] = 0
    return won
