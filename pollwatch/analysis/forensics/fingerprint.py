"""The election fingerprint of Klimek et al. (2012) and its smear towards (100 %, 100 %)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import special, stats

from .._io import StationResults
from ._common import (
    MAD_TO_SD,
    BoolArray,
    FloatArray,
    leader_votes,
    registered_voters,
)


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """The turnout x leader-share histogram weighted by registered voters.

    Attributes
    ----------
    counts : numpy.ndarray, shape (bins, bins)
        Registered voters per cell; rows are turnout bins, columns leader-share bins.
    edges : numpy.ndarray
        Bin edges (shares from 0 to 1), the same for both axes.
    corner_share : float
        Share of registered voters at stations with turnout and leader share both at
        least 95 %.
    centre : tuple of float
        Robust centre (median turnout, median leader share) of the stations.
    smear_stations : int
        Stations in the smear towards (100 %, 100 %): beyond the 99.9 % ellipse of a
        robust bivariate normal fitted on the logit scale, above the centre on both axes.
    smear_share : float
        Their share of registered voters.
    """

    counts: FloatArray
    edges: FloatArray
    corner_share: float
    centre: tuple[float, float]
    smear_stations: int
    smear_share: float
    smear: BoolArray = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """``{"bins", "edges", "counts", "weight", "corner_share", "centre",
        "smear_stations", "smear_share"}`` (``counts[i][j]``: turnout bin i, share bin j)."""
        return {
            "bins": int(self.counts.shape[0]),
            "edges": self.edges.tolist(),
            "counts": self.counts.astype(np.int64).tolist(),
            "weight": "registered voters",
            "corner_share": self.corner_share,
            "centre": {"turnout": self.centre[0], "leader_share": self.centre[1]},
            "smear_stations": self.smear_stations,
            "smear_share": self.smear_share,
        }


def _robust_smear(turnout: FloatArray, share: FloatArray, quantile: float) -> BoolArray:
    """Stations beyond the robust 2-D normal's `quantile` ellipse, up and to the right."""
    eps = 1e-3
    u = special.logit(np.clip(turnout, eps, 1 - eps))
    v = special.logit(np.clip(share, eps, 1 - eps))
    if u.size < 10:
        return np.zeros(u.size, dtype=bool)
    a = (u - np.median(u)) / max(MAD_TO_SD * np.median(np.abs(u - np.median(u))), 1e-6)
    b = (v - np.median(v)) / max(MAD_TO_SD * np.median(np.abs(v - np.median(v))), 1e-6)
    plus = np.median(np.abs((a + b) - np.median(a + b))) ** 2
    minus = np.median(np.abs((a - b) - np.median(a - b))) ** 2
    rho = (plus - minus) / (plus + minus) if plus + minus > 0 else 0.0
    rho = float(np.clip(rho, -0.95, 0.95))
    d2 = (a * a - 2 * rho * a * b + b * b) / (1 - rho * rho)
    return np.asarray((d2 > stats.chi2.ppf(quantile, 2)) & (a > 0) & (b > 0))


def _fingerprint(
    turnout: FloatArray, share: FloatArray, weight: FloatArray, bins: int, quantile: float
) -> Fingerprint:
    i = np.clip((turnout * bins).astype(np.int64), 0, bins - 1)
    j = np.clip((share * bins).astype(np.int64), 0, bins - 1)
    counts = np.bincount(i * bins + j, weights=weight, minlength=bins * bins).astype(float)
    total = weight.sum()
    corner = float(weight[(turnout >= 0.95) & (share >= 0.95)].sum() / total) if total else 0.0
    smear = _robust_smear(turnout, share, quantile)
    return Fingerprint(
        counts.reshape(bins, bins),
        np.linspace(0.0, 1.0, bins + 1),
        corner,
        (
            float(np.median(turnout)) if turnout.size else float("nan"),
            float(np.median(share)) if share.size else float("nan"),
        ),
        int(smear.sum()),
        float(weight[smear].sum() / total) if total else 0.0,
        smear,
    )


def fingerprint(
    results: StationResults,
    *,
    leader: str | None = None,
    bins: int = 100,
    quantile: float = 0.999,
) -> Fingerprint:
    r"""The election fingerprint of Klimek et al.: turnout against the leader's share.

    Each station adds its registered voters to the cell of its turnout
    (:math:`b_i / n_i`) and leader share (:math:`l_i / b_i`). Honest elections give one
    roughly elliptical blob; ballot stuffing (adding ballots for the leader) moves stations
    up and right, towards (100 %, 100 %).

    The smear is measured, not only drawn: a bivariate normal is fitted robustly to
    :math:`(\operatorname{logit} t_i, \operatorname{logit} s_i)` (medians, MAD scales and
    the Gnanadesikan-Kettenring correlation
    :math:`\rho = (\mathrm{MAD}^2(a+b) - \mathrm{MAD}^2(a-b)) /
    (\mathrm{MAD}^2(a+b) + \mathrm{MAD}^2(a-b))` of the standardised values), and stations
    beyond its `quantile` ellipse (:math:`d^2 > \chi^2_{2}`) with both coordinates above
    the centre are counted.

    Parameters
    ----------
    results : StationResults
        Needs ``registered``.
    leader : str, optional
        By default the choice with the most votes.
    bins : int
        Bins per axis.
    quantile : float
        Quantile of the ellipse for the smear.

    Returns
    -------
    Fingerprint

    References
    ----------
    .. [1] P. Klimek, Y. Yegorov, R. Hanel and S. Thurner, "Statistical detection of
       systematic election irregularities", *PNAS* 109 (2012) 16469-16473.
    .. [2] R. Gnanadesikan and J. R. Kettenring, "Robust estimates, residuals, and outlier
       detection with multiresponse data", *Biometrics* 28 (1972) 81-124.
    """
    registered = registered_voters(results)
    lead = leader_votes(results, leader)
    keep = (registered > 0) & (results.ballots > 0)
    turnout = results.ballots[keep] / registered[keep]
    share = lead[keep] / results.ballots[keep]
    fp = _fingerprint(turnout, share, registered[keep].astype(float), bins, quantile)
    smear = np.zeros(len(results), dtype=bool)
    smear[keep] = fp.smear
    return Fingerprint(
        fp.counts, fp.edges, fp.corner_share, fp.centre, fp.smear_stations, fp.smear_share, smear
    )
