r"""Exact second-digit distributions of binomial draws: the null of the second-digit test.

For a draw :math:`Y` (a binomial count, or the doubled noise of :func:`binomial_second_digits`)
the probabilities :math:`P(\text{second digit of } Y = d \mid Y \ge 10)` are sums of the pmf
over the values with that digit. Summing value by value costs the width of the window
(about :math:`\pm 8` standard deviations) per count, too slow for millions of counts, so most of
the sum is done in Fourier space:

- within one decade (values of :math:`m + 2` digits, :math:`[10L, 100L)` with
  :math:`L = 10^m`) the second digit is :math:`\lfloor y / L \rfloor \bmod 10`, a function
  of :math:`y` with period :math:`10L`; its expectation over a binomial is a short sum over
  the characteristic function :math:`\varphi(\omega) = (1 - \hat p + \hat p e^{i\omega})^{N}`
  at :math:`\omega_t = 2\pi t / 10L`, which falls like :math:`e^{-\sigma^2 \omega^2 / 2}`:
  a dozen terms reach 1e-15;
- the part of the window outside the count's own decade (near 100 or 1000, and below 10)
  is summed value by value, replacing the periodic digit by the true one; each pmf is
  built from ``scipy.stats.binom.pmf`` at the window's edge by the ratios
  :math:`\Pr(k)/\Pr(k-1) = (N - k + 1)p / (kq)`, which keeps a few ulps where
  :math:`\log N! - \log k! - \log(N - k)!` loses :math:`\epsilon \log N!` (1e-11 at
  :math:`N` = 50,000).

Counts whose Fourier sum would be long (bases of thousands with little spread) are summed
value by value over the whole window. Both ways agree with brute-force sums of
``scipy.stats.binom.pmf`` to 5e-14 for bases up to 50,000 (tests assert 1e-12).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

from ._common import BoolArray, FloatArray, IntArray

FOURIER_TERMS = 100
"""Counts needing more Fourier terms than this are summed value by value."""

_PHI_FLOOR = 5e-15
"""Fourier terms are kept while :math:`|\\varphi(\\omega_t)|` is above this (each term adds
at most :math:`|\\varphi| / 5` to a probability)."""


def second_digits(counts: npt.ArrayLike) -> IntArray:
    """The second digit of each count (``second_digits([7, 10, 1234]) == [-1, 0, 2]``);
    -1 for counts below 10, which have none."""
    values = np.asarray(counts, dtype=np.int64)
    scale = _digit_scale(values)
    return np.asarray(np.where(values >= 10, (values // scale) % 10, -1), dtype=np.int64)


def _digit_scale(values: IntArray) -> IntArray:
    """:math:`L = 10^{m}` for values of :math:`m + 2` digits (1 below 100)."""
    scale = np.ones(values.shape, dtype=np.int64)
    bound = 100
    while bound <= int(values.max(initial=0)):
        scale[values >= bound] *= 10
        bound *= 10
    return scale


def second_digit_probabilities(
    counts: npt.ArrayLike, bases: npt.ArrayLike, *, tail: float = 8.0
) -> FloatArray:
    r"""P(second digit = d) for a Binomial(base, count/base) draw that has a second digit.

    For each count :math:`v` of base :math:`n` (``0 < v <= n``), with :math:`\hat p = v/n`:

    .. math:: P_d = \frac{\sum_{k \ge 10:\ \mathrm{digit}_2(k) = d} \binom{n}{k}
              \hat p^k (1 - \hat p)^{n-k}}{\sum_{k \ge 10} \binom{n}{k} \hat p^k (1 - \hat p)^{n-k}},
              \quad d = 0, \dots, 9.

    Counts below 10 have no second digit, so the draw is taken given :math:`k \ge 10`. The
    sums leave out less than :math:`e^{-t^2/2}` of the mass on each side, with :math:`t` =
    `tail` (1.3e-14 at the default 8), however skewed the binomial (:func:`_window`; a
    plain :math:`\pm 8 \sigma` leaves out 1e-8 when :math:`\hat p` = 0.999). Computed
    exactly, partly in Fourier space (see the module): within 5e-14 of the plain sums.

    Parameters
    ----------
    counts, bases : array_like of int
        The counts and the number of draws each is out of (at least the count).
    tail : float
        Width of the window: each side leaves out less than :math:`e^{-t^2/2}`.

    Returns
    -------
    numpy.ndarray, shape (len(counts), 10)
        Each row sums to 1; a row of zeros where the count is 0, NaN where no draw of 10 or
        more is possible.
    """
    v = np.asarray(counts, dtype=np.int64).ravel()
    n = np.asarray(bases, dtype=np.int64).ravel()
    if v.shape != n.shape:
        raise ValueError("counts and bases must have the same length")
    if v.size and (v.min() < 0 or (n < v).any()):
        raise ValueError("counts must be between 0 and their base")
    out = np.zeros((v.size, 10))
    some = v > 0
    out[some] = binomial_second_digits(v[some], n[some], tail=tail)[0]
    return out


def binomial_second_digits(
    v: IntArray, n: IntArray, *, tail: float = 8.0, doubled: bool = False
) -> tuple[FloatArray, FloatArray | None]:
    r"""Second-digit distributions of :math:`Y_1 \sim \mathrm{Bin}(n, \hat p)`,
    :math:`\hat p = v/n`, and, with `doubled`, of
    :math:`Y_2 = v + (X_1 - v) + (X_2 - v) = \mathrm{Bin}(2n, \hat p) - v` (the binomial
    noise applied twice, for the bias correction of the second-digit test), each given
    :math:`Y \ge 10`; for ``1 <= v <= n`` (not checked). The second is None without
    `doubled`. Rows as in :func:`second_digit_probabilities`.
    """
    if v.size == 0:
        return np.zeros((0, 10)), (np.zeros((0, 10)) if doubled else None)
    p = v / n
    certain = v == n  # p = 1: every draw is n
    possible = n >= 10
    scale = _digit_scale(v)
    terms = _fourier_terms(p, n, 10 * scale)
    fourier = ~certain & possible & (v >= 10) & (terms <= FOURIER_TERMS)
    direct = ~certain & possible & ~fourier
    draws: list[tuple[IntArray, IntArray]] = [(n, np.zeros_like(v))]
    if doubled:
        draws.append((2 * n, v))
    f = np.flatnonzero(fourier)
    periodic_sums = _fourier_sums(p[f], n[f], v[f], scale[f], terms[f], doubled)
    results = []
    for (size, shift), sums in zip(draws, periodic_sums, strict=True):
        out = np.zeros((v.size, 10))
        out[certain, second_digits(n[certain])] = 1.0
        out[~possible] = np.nan
        out[f] = sums
        wide = _bernstein(p, size, tail)
        below, above = _window(p, size, tail, wide, (v >= 10) & (direct | _leaves_decade(v, wide, scale)))
        low = np.maximum(np.floor(v - below).astype(np.int64), -shift)
        high = np.minimum(np.ceil(v + above).astype(np.int64), size - shift)
        segments = [
            (f, low[f], np.minimum(high[f], 10 * scale[f] - 1), scale[f]),  # below the decade
            (f, np.maximum(low[f], 100 * scale[f]), high[f], scale[f]),  # above it
            (np.flatnonzero(direct), np.maximum(low[direct], 10), high[direct], np.zeros_like(v[direct])),
        ]  # fmt: skip
        for rows, start, end, periodic in segments:
            some = start <= end
            rows, start, end, periodic = rows[some], start[some], end[some], periodic[some]
            if rows.size:
                _value_sums(out, rows, start, end, size[rows], shift[rows], p[rows], periodic)
        live = (~certain & possible)[:, None]
        with np.errstate(invalid="ignore"):  # no mass at 10 or more: undefined (NaN)
            np.divide(out, out.sum(axis=1, keepdims=True), out=out, where=live)
        results.append(out)
    return results[0], (results[1] if doubled else None)


def _bernstein(p: FloatArray, size: IntArray, tail: float) -> FloatArray:
    """Bernstein's half-width :math:`t \\sigma + t^2/3` of a Binomial(size, p) window."""
    return np.asarray(tail * np.sqrt(size * p * (1 - p)) + tail**2 / 3)


def _leaves_decade(v: IntArray, half: FloatArray, scale: IntArray) -> BoolArray:
    """Whether the window ``v +/- half`` (Bernstein's) reaches out of the decade ``[10L, 100L)``.

    Counts whose wide window stays inside need no refined window: the refined one is
    narrower, so it stays inside too, and the Fourier sum is all there is."""
    return np.asarray((v - half < 10 * scale) | (v + half > 100 * scale - 1))


def _window(
    p: FloatArray, size: IntArray, tail: float, bernstein: FloatArray, refine: BoolArray
) -> tuple[FloatArray, FloatArray]:
    r"""How far below and above its mean a Binomial(size, p) draw goes, each side's mass
    beyond being below :math:`e^{-t^2/2}` (:math:`t` = `tail`).

    Chernoff's bound :math:`\Pr(X \ge Na) \le e^{-N D(a \| p)}` (and below), with
    :math:`D` the binary Kullback-Leibler divergence, solved for :math:`N D = t^2/2` by Newton
    steps from Bernstein's :math:`t \sigma + t^2/3` (`bernstein`, from :func:`_bernstein`),
    which :math:`D` bounds (Chernoff's is the best exponential bound): :math:`D` is convex,
    so the steps stay on the safe side.
    About :math:`t \sigma` for a symmetric binomial, where Bernstein adds :math:`t^2/3`.

    Only the `refine` rows are refined; the others keep Bernstein's wider window. Counts
    below 10 keep it because their draws of 10 or more are a far tail (1e-7 of the mass when
    the count is 1), and what is left out must stay small beside that tail; counts whose
    Bernstein window stays inside their decade keep it because no value sum needs their
    window's edges (:func:`_leaves_decade`).
    """
    q = 1 - p
    rows = np.flatnonzero(refine & (p > 0) & (p < 1))
    pr, qr, nr = p[rows], q[rows], size[rows]
    sides = []
    for sign in (-1.0, 1.0):
        half = bernstein.copy()
        a = pr + sign * bernstein[rows] / nr
        inside = (a > 0) & (a < 1)
        a, pi, qi, ni = a[inside], pr[inside], qr[inside], nr[inside]
        for _ in range(3):  # from the safe side, each step keeps it
            up, down = np.log(a / pi), np.log((1 - a) / qi)
            value = ni * (a * up + (1 - a) * down) - tail**2 / 2
            a -= np.where(value > 0, value / (ni * (up - down)), 0.0)
        half[rows[inside]] = np.abs(a - pi) * ni
        sides.append(half)
    return sides[0], sides[1]


def _fourier_terms(p: FloatArray, n: IntArray, period: IntArray) -> IntArray:
    r"""How many Fourier terms :math:`t = 1, 2, \dots` have :math:`|\varphi(2\pi t/P)|` above
    :data:`_PHI_FLOOR`, where :math:`|\varphi(\omega)|^2 = (1 - 2pq(1 - \cos\omega))^{n}`
    (at most :math:`P/2`; the doubled draw's terms are the squares, smaller)."""
    pq = p * (1 - p)
    x = -np.expm1(2 * np.log(_PHI_FLOOR) / np.maximum(n, 1))  # 1 - floor^(2/n)
    with np.errstate(divide="ignore", invalid="ignore"):
        cosine = 1 - x / np.where(pq > 0, 2 * pq, np.nan)
    omega = np.where(cosine > -1, np.arccos(np.clip(cosine, -1, 1)), np.pi)
    terms = np.floor(omega * period / (2 * np.pi)).astype(np.int64)
    return np.asarray(np.minimum(np.where(pq > 0, terms, 0), period // 2))


def _fourier_sums(
    p: FloatArray, n: IntArray, v: IntArray, scale: IntArray, terms: IntArray, doubled: bool
) -> list[FloatArray]:
    r"""Expectation of the periodic digit :math:`h_d(y) = [\lfloor y/L \rfloor \bmod 10 = d]`
    (period :math:`P = 10L`) under :math:`Y_1` (and :math:`Y_2` when `doubled`, from the
    same terms):

    .. math:: E\,h_d(Y) = \frac{1}{P} \Bigl(L + \sum_{0 < |t| \le T}
              \hat h_d(t)\, \varphi_Y(2\pi t/P)\Bigr), \quad
              \hat h_d(t) = \sum_{y = dL}^{dL + L - 1} e^{-2\pi i t y / P},

    :math:`\varphi_{Y_1}(\omega) = (q + p e^{i\omega})^n` and
    :math:`\varphi_{Y_2}(\omega) = \varphi_{Y_1}(\omega)^2 e^{-i\omega v}`.
    """
    outs = [np.zeros((p.size, 10)) for _ in range(2 if doubled else 1)]
    for period in np.unique(10 * scale).tolist():
        group = np.flatnonzero(10 * scale == period)
        group = group[np.argsort(terms[group], kind="stable")]
        coefficients = _digit_coefficients(period)
        angle = 2 * np.pi * np.arange(period) / period
        turn_cos, turn_sin = np.cos(angle), np.sin(angle)
        start = 0
        while start < group.size:
            rows = group[start : start + max(1, (1 << 14) // max(int(terms[group[start]]), 1))]
            start += rows.size
            count = int(terms[rows[-1]])
            for out in outs:
                out[rows] = period // 10  # the t = 0 term, L
            if count == 0:
                continue
            t = np.arange(1, count + 1)
            cos_w, sin_w = turn_cos[t], turn_sin[t]
            pr, nr = p[rows][:, None], n[rows][:, None].astype(float)
            qr = 1 - pr
            with np.errstate(divide="ignore"):  # |phi| = 0 at p = 1/2, omega = pi
                amplitude = np.log1p((-2 * pr * qr) * (1 - cos_w))  # log |phi|^2 / n
            amplitude *= nr / 2
            np.exp(amplitude, out=amplitude)  # |phi|
            phase = np.arctan2(pr * sin_w, qr + pr * cos_w)
            phase *= nr
            cos_b, sin_b = np.cos(phase), np.sin(phase)
            re, im = coefficients[0][:count], coefficients[1][:count]
            outs[0][rows] += (amplitude * cos_b) @ re + (amplitude * sin_b) @ im
            if doubled:
                amplitude *= amplitude
                turn = (t[None, :] * v[rows][:, None]) % period  # e^{-i omega v}
                cos_2b, sin_2b = cos_b * cos_b - sin_b * sin_b, 2 * sin_b * cos_b
                tc, ts = turn_cos[turn], turn_sin[turn]
                cos_b, sin_b = cos_2b * tc + sin_2b * ts, sin_2b * tc - cos_2b * ts
                outs[1][rows] += (amplitude * cos_b) @ re + (amplitude * sin_b) @ im
    for out in outs:
        out /= (10 * scale)[:, None]
    return outs


def _digit_coefficients(period: int) -> tuple[FloatArray, FloatArray]:
    r"""For :math:`t = 1 \dots P/2`: :math:`w_t \mathrm{Re}\,\hat h_d(t)` and
    :math:`-w_t \mathrm{Im}\,\hat h_d(t)`, with :math:`w_t = 2` (the terms :math:`\pm t`)
    but 1 at :math:`t = P/2`."""
    scale = period // 10
    t = np.arange(1, period // 2 + 1)[:, None]
    y = np.arange(10)[None, :, None] * scale + np.arange(scale)[None, None, :]  # (1, d, u)
    h = np.exp(-2j * np.pi * t[:, :, None] * y / period).sum(axis=2)  # (t, d)
    weight = np.where(t == period // 2, 1.0, 2.0)
    return weight * h.real, -weight * h.imag


def _value_sums(
    out: FloatArray,
    index: IntArray,
    start: IntArray,
    end: IntArray,
    size: IntArray,
    shift: IntArray,
    p: FloatArray,
    periodic: IntArray,
    cells: int = 1 << 16,
) -> None:
    r"""Add :math:`\sum_{y=\mathrm{start}}^{\mathrm{end}} \Pr(Y = y)\,(g_d(y) - h_d(y))` to
    the rows `index` of `out` (distinct), with
    :math:`Y = \mathrm{Bin}(\mathrm{size}, p) - \mathrm{shift}`, :math:`g_d` the true second
    digit (none below 10) and :math:`h_d` the periodic one of scale `periodic` (none where it
    is 0).

    Each window starts at a multiple of 10 and is read as runs of ten values: from 100 on
    a run shares one second digit, whose mass is the run's; below 100 the ten values of a
    run are the digits 0-9 in order (and the periodic digit of scale 1 likewise).

    The pmf is built along the window from its first draw :math:`a` (at least 0), whose pmf
    comes from ``scipy.stats.binom.pmf``, by the ratios
    :math:`\Pr(k) / \Pr(k - 1) = \frac{(N - k + 1)\, p}{k\, q}` (a cumulative product):
    a few ulps per step, where the usual :math:`\log N! - \log k! - \log (N - k)!` loses
    :math:`\epsilon \log N!`, about 1e-11 at :math:`N` = 50,000.
    """
    order = np.argsort((end - start // 10 * 10) // 10, kind="stable")  # by the window's runs
    index, start, end, size, shift = index[order], start[order], end[order], size[order], shift[order]
    safe = np.clip(p[order], 1e-300, 1 - 1e-16)
    periodic = periodic[order]
    first = start // 10 * 10
    runs = (end - first) // 10 + 1
    odds = safe / (1 - safe)
    draw = first + shift  # the draw at the window's first value
    anchor = stats.binom.pmf(np.maximum(draw, 0), size, safe)
    run_digit = second_digits(np.arange(0, int(end.max()) // 10 * 10 + 20, 10))
    begin = 0
    while begin < index.size:
        rows = slice(begin, begin + max(1, cells // (10 * int(runs[begin]))))
        begin = min(rows.stop, index.size)
        count = int(runs[begin - 1])
        out[index[rows]] += _block_sums(
            first[rows], start[rows] - first[rows], end[rows] - first[rows], draw[rows], size[rows],
            odds[rows], anchor[rows], periodic[rows], count, run_digit,
        )  # fmt: skip


def _block_sums(
    first: IntArray,
    skip: IntArray,
    last: IntArray,
    draw: IntArray,
    size: IntArray,
    odds: FloatArray,
    anchor: FloatArray,
    periodic: IntArray,
    count: int,
    run_digit: IntArray,
) -> FloatArray:
    """One block of :func:`_value_sums`: values ``first + skip .. first + last``, read over
    `count` runs of ten from `first`."""
    rows, width = first.size, 10 * count
    m = np.arange(width, dtype=float)
    # Pr(k) / Pr(k - 1) = (size - k + 1) p / (k q) at k = draw + m; 0 beyond the size.
    pmf = np.subtract.outer((size - draw + 1).astype(float), m)
    pmf *= odds[:, None]
    with np.errstate(divide="ignore"):  # k = 0: replaced by the anchor or 0 below
        pmf /= np.add.outer(draw.astype(float), m)
    np.maximum(pmf, 0.0, out=pmf)
    pmf[:, 0] = anchor
    below = np.flatnonzero(draw < 0)  # draws below 0 have pmf 0; the anchor is the draw 0
    zero = -draw[below][:, None]
    if below.size:
        pmf[below] = np.where(m < zero, 1.0, np.where(m == zero, anchor[below][:, None], pmf[below]))
    np.cumprod(pmf, axis=1, out=pmf)
    if below.size:
        pmf[below] = np.where(m < zero, 0.0, pmf[below])
    pmf = pmf.reshape(rows, count, 10)
    position = np.arange(10)
    index = np.arange(rows)
    pmf[:, 0, :] *= position >= skip[:, None]  # before the start
    end_run = last // 10
    pmf[index, end_run, :] *= position <= (last % 10)[:, None]  # after the end
    run = first[:, None] // 10 + np.arange(count)  # run r holds values 10r .. 10r + 9
    inside = np.arange(count) <= end_run[:, None]
    mass = pmf.reshape(rows * count, 10) @ np.ones(10)
    # True second digit: one per run from 100 on, value by value from 10 to 99.
    true_run = np.where(inside & (run >= 10), np.take(run_digit, np.clip(run, 0, run_digit.size - 1)), 10)
    true_run = np.where(run >= 10, true_run, 10)
    element = (inside & (run >= 1) & (run < 10)).astype(float)
    # Periodic digit of scale L: floor(y / L) mod 10, per run for L >= 10, per value for L = 1.
    scale = np.maximum(periodic, 1)[:, None]
    periodic_run = np.where(inside & (periodic[:, None] >= 10), (run * 10 // scale) % 10, 10)
    element -= inside & (periodic[:, None] == 1)
    out = np.einsum("rm,rmd->rd", element, pmf) if element.any() else np.zeros((rows, 10))
    flat = index[:, None] * 11
    for digit, sign in ((true_run, 1.0), (periodic_run, -1.0)):
        mass_by_digit = np.bincount((flat + digit).ravel(), weights=mass, minlength=rows * 11)
        out += sign * mass_by_digit.reshape(rows, 11)[:, :10]
    return out
