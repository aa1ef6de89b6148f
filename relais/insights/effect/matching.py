"""Comparable non-participants: nearest neighbours by pre-period size inside strata (package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from relais.insights.effect.types import EffectOptions, PartnerSeries

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


# Strata from the most exact to the whole network: country is dropped first (neighbouring countries sell
# alike), segment last (a segment is what the brand targets, and its seasonality is its own).
MATCHING_LEVELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("segment_kind_country", ("segment", "kind", "country")),
    ("segment_kind", ("segment", "kind")),
    ("segment", ("segment",)),
    ("network", ()),
)


@dataclass(frozen=True)
class Matching:
    """The matched design: participants kept, controls used and each pair's weight."""

    participants: IntArray
    controls: IntArray
    # pairs[i, j]: the weight of control j in participant i's comparison (each row sums to 1).
    pairs: FloatArray
    levels: dict[str, int]
    unmatched: int

    @property
    def weights(self) -> FloatArray:
        """Each control's total weight, as a share of the control group."""
        total = self.pairs.sum(axis=0)
        return total / total.sum()


def pre_features(log_units: FloatArray, pre_periods: int) -> tuple[FloatArray, FloatArray]:
    """Each partner's pre-period mean log level and its least-squares log slope per period."""
    pre = log_units[:, :pre_periods]
    t = np.arange(pre_periods, dtype=np.float64)
    t_centred = t - t.mean()
    slope = (pre @ t_centred) / float(t_centred @ t_centred)
    return pre.mean(axis=1), slope


def stratum_keys(partners: Sequence[PartnerSeries], fields: tuple[str, ...]) -> npt.NDArray[np.str_]:
    # A separator that cannot appear in a code keeps ("a b", "c") apart from ("a", "b c").
    return np.array(["\x1f".join(getattr(p, name) for name in fields) for p in partners], dtype=np.str_)


def _nearest(
    chosen: IntArray, pool: IntArray, features: tuple[FloatArray, FloatArray], options: EffectOptions
) -> tuple[IntArray, BoolArray]:
    """For each of ``chosen``, its up to k nearest in ``pool`` and which of them lie inside the caliper."""
    level, slope = features
    level_gap = np.abs(level[chosen][:, None] - level[pool][None, :])
    distance = level_gap.copy()
    if options.match_on_trend:
        # Slope gaps put on the level's scale, so neither covariate dominates by its unit.
        scale = float(np.std(level[pool])) / max(float(np.std(slope[pool])), 1e-12)
        distance += scale * np.abs(slope[chosen][:, None] - slope[pool][None, :])
    distance = np.where(level_gap <= options.caliper, distance, np.inf)
    k = min(options.k, pool.size)
    nearest = np.argpartition(distance, k - 1, axis=1)[:, :k]
    inside = np.isfinite(np.take_along_axis(distance, nearest, axis=1))
    return pool[nearest], inside


def match_partners(
    partners: Sequence[PartnerSeries],
    participant: BoolArray,
    features: tuple[FloatArray, FloatArray],
    options: EffectOptions,
) -> Matching:
    """Nearest-neighbour matching with replacement inside strata, relaxed level by level."""
    candidates = np.flatnonzero(~participant)
    remaining = np.flatnonzero(participant)
    rows: list[IntArray] = []
    columns: list[IntArray] = []
    shares: list[FloatArray] = []
    levels: dict[str, int] = {}
    for name, fields in MATCHING_LEVELS:
        keys = stratum_keys(partners, fields)
        still: list[IntArray] = []
        for key in np.unique(keys[remaining]):
            chosen = remaining[keys[remaining] == key]
            pool = candidates[keys[candidates] == key]
            if pool.size < options.min_stratum_controls:
                still.append(chosen)
                continue
            controls, inside = _nearest(chosen, pool, features, options)
            found = inside.any(axis=1)
            inside, controls = inside[found], controls[found]
            rows.append(np.repeat(chosen[found], inside.sum(axis=1)))
            columns.append(controls[inside])
            shares.append((1.0 / inside.sum(axis=1, keepdims=True) * inside)[inside])
            still.append(chosen[~found])
            levels[name] = levels.get(name, 0) + int(found.sum())
        remaining = np.concatenate(still) if still else np.array([], dtype=np.intp)
    return _pairs(rows, columns, shares, levels, int(remaining.size))


def _pairs(
    rows: list[IntArray],
    columns: list[IntArray],
    shares: list[FloatArray],
    levels: dict[str, int],
    unmatched: int,
) -> Matching:
    if not rows:
        empty = np.array([], dtype=np.intp)
        return Matching(empty, empty, np.zeros((0, 0)), levels, unmatched)
    row, column, share = np.concatenate(rows), np.concatenate(columns), np.concatenate(shares)
    participants, controls = np.unique(row), np.unique(column)
    pairs = np.zeros((participants.size, controls.size), dtype=np.float64)
    pairs[np.searchsorted(participants, row), np.searchsorted(controls, column)] = share
    return Matching(participants, controls, pairs, levels, unmatched)
