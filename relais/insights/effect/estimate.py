"""The estimate, its placebo and its interval: one contrast over periods, a multiplier bootstrap (package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from relais.insights.effect.matching import Matching
from relais.insights.effect.types import EffectOptions, MetricEffect, PartnerSeries, SharingEffect

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def _contrast(n_periods: int, fit_end: int, window: tuple[int, int], extrapolate: bool) -> FloatArray:
    """Weights over periods: the window's mean minus the line fitted on ``[0, fit_end)`` at the window.

    Without ``extrapolate``, the line is flat (the pre-period mean): a plain difference in differences.
    """
    start, end = window
    contrast = np.zeros(n_periods, dtype=np.float64)
    contrast[start:end] = 1.0 / (end - start)
    t = np.arange(fit_end, dtype=np.float64)
    contrast[:fit_end] -= 1.0 / fit_end
    if extrapolate:
        t_centred = t - t.mean()
        horizon = (start + end - 1) / 2.0 - t.mean()
        contrast[:fit_end] -= horizon * t_centred / float(t_centred @ t_centred)
    return contrast


@dataclass(frozen=True)
class Draws:
    participants: FloatArray
    controls: FloatArray
    participant_strata: IntArray
    control_strata: IntArray


def draws_make(matching: Matching, strata: npt.NDArray[np.str_], options: EffectOptions) -> Draws:
    rng = np.random.default_rng(options.seed)
    _, codes = np.unique(strata, return_inverse=True)
    return Draws(
        rng.standard_normal((options.resamples, matching.participants.size)),
        rng.standard_normal((options.resamples, matching.controls.size)),
        codes[matching.participants],
        codes[matching.controls],
    )


def _centred(values: FloatArray, strata: IntArray) -> FloatArray:
    """Deviations from the mean of each value's stratum, scaled up for the mean they were taken from.

    A stratum of one has no deviation of its own: it is measured from the overall mean instead.
    """
    counts = np.bincount(strata)
    means = np.bincount(strata, weights=values) / np.maximum(counts, 1)
    n = counts[strata]
    own = (values - means[strata]) * np.sqrt(n / np.maximum(n - 1, 1))
    return np.where(n > 1, own, values - values.mean())


def _estimate(
    logs: FloatArray, contrast: FloatArray, matching: Matching, draws: Draws
) -> tuple[float, FloatArray]:
    """The log effect and its bootstrap replicates.

    The estimate is linear in each partner's contrast: participants weigh 1/n, controls their matching
    weight. A replicate perturbs every partner's deviation from its stratum's mean by an independent
    normal multiplier (a multiplier bootstrap over partners): what a stratum shares, its seasonality,
    cancels between participants and their controls in the estimate and is kept out of the noise, and a
    control standing for several participants counts its noise once, with its whole weight.
    """
    per_participant = logs[matching.participants] @ contrast
    per_control = logs[matching.controls] @ contrast
    weights = matching.weights
    point = float(per_participant.mean() - weights @ per_control)
    participant_noise = _centred(per_participant, draws.participant_strata) / per_participant.size
    control_noise = _centred(per_control, draws.control_strata) * weights
    replicates = point + draws.participants @ participant_noise - draws.controls @ control_noise
    return point, replicates


def _bounds(replicates: FloatArray, confidence: float) -> tuple[float, float]:
    alpha = 1.0 - confidence
    low, high = np.quantile(replicates, [alpha / 2, 1 - alpha / 2])
    return float(np.expm1(low)), float(np.expm1(high))


@dataclass(frozen=True)
class Design:
    contrast: FloatArray
    placebo: FloatArray
    window: tuple[int, int]
    placebo_periods: int


def design_make(n_periods: int, window: tuple[int, int], options: EffectOptions) -> Design:
    start, end = window
    placebo_periods = min(end - start, start // 3)
    return Design(
        contrast=_contrast(n_periods, start, window, options.extrapolate_trend),
        placebo=_contrast(
            n_periods, start - placebo_periods, (start - placebo_periods, start), options.extrapolate_trend
        ),
        window=window,
        placebo_periods=placebo_periods,
    )


def metric_effect(
    raw: FloatArray, design: Design, matching: Matching, draws: Draws, options: EffectOptions
) -> MetricEffect:
    logs = np.log1p(raw)
    point, replicates = _estimate(logs, design.contrast, matching, draws)
    placebo, placebo_replicates = _estimate(logs, design.placebo, matching, draws)
    low, high = _bounds(replicates, options.confidence)
    placebo_low, placebo_high = _bounds(placebo_replicates, options.placebo_confidence)
    relative = float(np.expm1(point))
    start, end = design.window
    observed = float(raw[matching.participants, start:end].sum())

    def extra(effect: float) -> float:
        return observed - observed / (1.0 + effect)

    return MetricEffect(
        relative=relative,
        low=low,
        high=high,
        observed=observed,
        counterfactual=observed / (1.0 + relative),
        extra=extra(relative),
        extra_low=extra(low),
        extra_high=extra(high),
        placebo=float(np.expm1(placebo)),
        placebo_low=placebo_low,
        placebo_high=placebo_high,
    )


def sharing_effect(
    partners: Sequence[PartnerSeries], attribute: str, matching: Matching, window: tuple[int, int]
) -> SharingEffect | None:
    if any(getattr(partner, attribute) is None for partner in partners):
        return None
    flags = np.array([getattr(partner, attribute) for partner in partners], dtype=np.float64)
    start, end = window
    before, during = flags[:, :start].mean(axis=1), flags[:, start:end].mean(axis=1)
    weights = matching.weights
    participants_before = float(before[matching.participants].mean())
    participants_during = float(during[matching.participants].mean())
    controls_before = float(weights @ before[matching.controls])
    controls_during = float(weights @ during[matching.controls])
    return SharingEffect(
        participants_before=participants_before,
        participants_during=participants_during,
        controls_before=controls_before,
        controls_during=controls_during,
        change_points=100
        * ((participants_during - participants_before) - (controls_during - controls_before)),
    )
