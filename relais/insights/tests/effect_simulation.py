"""A simulated partner network with a known effect, for the tests of ``relais.insights.effect``.

Monthly sell-out per partner: log(units) = size + own trend x t + common trend + common monthly shock
+ segment seasonality (with a December peak) + noise (lognormal), and, for participants inside the window,
+ log(1 + effect). A third of the partners are fast growers (+12 %/year against +2 %), and larger; each
partner's own trend scatters around its group's. The amount is units times a partner's price with its
own noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from relais.insights.effect import EffectPanel, PartnerSeries

SEGMENTS = ("garden", "city", "outdoor")
KINDS = ("shop", "online")
COUNTRIES = ("FR", "BE")


@dataclass(frozen=True)
class SimulatedNetwork:
    panel: EffectPanel
    effect: float
    fast: np.ndarray


def _participants(rng: np.random.Generator, fast: np.ndarray, assignment: str, share: float) -> np.ndarray:
    if assignment == "random":
        return rng.random(fast.size) < share
    # Brands challenge their best segments: most fast growers in, few of the others.
    probability = np.where(fast, 0.8, 0.05)
    return rng.random(fast.size) < probability


def simulate_network(
    *,
    seed: int,
    assignment: str = "random",
    partners: int = 400,
    periods: int = 24,
    window: tuple[int, int] = (18, 24),
    effect: float = 0.15,
    share: float = 0.3,
    noise: float = 0.12,
    break_before: int = 0,
    break_per_period: float = 0.0,
) -> SimulatedNetwork:
    """A network of ``partners`` over ``periods`` months with ``effect`` injected for participants.

    ``assignment``: "random" (each partner in with probability ``share``) or "fast_growers". A
    ``break_before`` > 0 makes participants' trend break upward ``break_before`` months before the start
    (``break_per_period`` more log growth each month): the pre-trends diverge.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(periods, dtype=np.float64)
    fast = rng.random(partners) < 1 / 3
    size = rng.normal(4.0, 0.6, partners) + 0.5 * fast
    own_trend = (np.where(fast, 0.12, 0.02) + rng.normal(0, 0.02, partners)) / 12
    segment = rng.integers(0, len(SEGMENTS), partners)
    kind = rng.integers(0, len(KINDS), partners)
    country = rng.integers(0, len(COUNTRIES), partners)
    phase = np.array([0.0, 1.5, 3.0])[segment]
    seasonality = 0.2 * np.sin(2 * np.pi * t[None, :] / 12 + phase[:, None]) + 0.3 * (t[None, :] % 12 == 11)
    common = 0.03 / 12 * t + rng.normal(0, 0.03, periods)
    log_units = (
        size[:, None]
        + own_trend[:, None] * t[None, :]
        + common[None, :]
        + seasonality
        + rng.normal(0, noise, (partners, periods))
    )
    participant = _participants(rng, fast, assignment, share)
    start, end = window
    log_units[participant, start:end] += np.log1p(effect)
    if break_before:
        ramp = np.clip(t - (start - break_before) + 1, 0, None) * break_per_period
        log_units[participant] += ramp[None, :]
    units = np.exp(log_units)
    price = rng.normal(40.0, 8.0, partners).clip(10, None)
    amount = units * price[:, None] * np.exp(rng.normal(0, 0.05, (partners, periods)))
    shared = rng.random((partners, periods)) < 0.9
    rows = [
        PartnerSeries(
            partner_id=i + 1,
            participant=bool(participant[i]),
            units=units[i].tolist(),
            amount=amount[i].tolist(),
            segment=SEGMENTS[segment[i]],
            kind=KINDS[kind[i]],
            country=COUNTRIES[country[i]],
            shared=shared[i].tolist(),
            on_time=shared[i].tolist(),
        )
        for i in range(partners)
    ]
    return SimulatedNetwork(
        panel=EffectPanel(partners=rows, window_start=start, window_end=end), effect=effect, fast=fast
    )


def naive_lift(network: SimulatedNetwork) -> float:
    """The old reading: participants' growth over the same months a year earlier against every other's."""
    panel = network.panel
    start, end = panel.window_start, panel.window_end
    units = np.array([p.units for p in panel.partners])
    participant = np.array([p.participant for p in panel.partners])

    def growth(rows: np.ndarray) -> float:
        return float(units[rows, start:end].sum() / units[rows, start - 12 : end - 12].sum())

    return growth(participant) / growth(~participant) - 1
