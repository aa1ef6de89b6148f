"""The thresholds of the anomaly checks: a brand's own (``AnomalyThresholds``), else the defaults.

Defaults, tuned on the simulated network of the tests (seasonality ±25 %, growth up to 30 % a year):
fewer than 2 % of its clean lines are flagged, and every kind of injected anomaly is caught.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from relais.sellout.models import AnomalyThresholds


@dataclass(frozen=True)
class Thresholds:
    enabled: bool = True
    # A line is unusual when its quantity (or amount) is above ``line_ratio`` times the usual largest line
    # of a month AND above the median by ``robust_z`` scaled MADs, both on log scale.
    line_ratio: float = 4.0
    robust_z: float = 4.0
    # A month (or a week) of the partner is unusual above these multiples of its usual month (week).
    month_ratio: float = 3.0
    week_ratio: float = 2.0
    # Below this many units above the usual, nothing is flagged (small partners' natural noise).
    min_excess_units: int = 10
    # Months of history a reference needs; comparable partners a peer reference needs.
    min_history_months: int = 3
    min_peers: int = 5
    duplicates_in_file: bool = True

    def limit_log(self, median_log: float, mad_log: float, ratio: float) -> float:
        """The log-scale limit above which a value is unusual: the larger of the ratio and the robust score
        (a MAD floor of 0.1 keeps a very regular history from flagging ordinary noise)."""
        return median_log + max(math.log(ratio), self.robust_z * 1.4826 * max(mad_log, 0.1))


DEFAULTS = Thresholds()


def thresholds_for(*, brand_id: int) -> Thresholds:
    """The brand's thresholds, or the defaults when it has set none."""
    row = AnomalyThresholds.objects.filter(brand_id=brand_id).first()
    if row is None:
        return DEFAULTS
    return Thresholds(**{f.name: getattr(row, f.name) for f in fields(Thresholds)})
