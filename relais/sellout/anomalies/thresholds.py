"""The thresholds of the anomaly checks: a brand's own (``AnomalyThresholds``), else the defaults.

Defaults, tuned on the simulated network of the tests (seasonality ±25 %, growth up to 30 % a year):
fewer than 2 % of its clean lines are flagged, and every kind of injected anomaly is caught.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from django.db import transaction
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
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

# The last days of a running challenge (``windows.ChallengeWindow``): the seven days up to its end are
# compared with the partner's usual seven days at a stricter ratio (a partner pushing its volume to win).
CHALLENGE_END_DAYS = 7
CHALLENGE_END_RATIO = 1.5
# ... and its excess over the usual must pass this many standard deviations of ordinary lumpiness (the week
# check uses ``robust_z``): see ``checks.AnomalyChecks._noise``.
CHALLENGE_END_Z = 3.0


def thresholds_for(*, brand_id: int) -> Thresholds:
    """The brand's thresholds, or the defaults when it has set none."""
    row = AnomalyThresholds.objects.filter(brand_id=brand_id).first()
    if row is None:
        return DEFAULTS
    return Thresholds(**{f.name: getattr(row, f.name) for f in fields(Thresholds)})


@transaction.atomic
def anomaly_thresholds_set(*, brand_id: int, values: dict[str, float | int | bool]) -> Thresholds:
    """Set some of a brand's thresholds (the others keep their value, or the default); ratios must be above 1
    and the robust score positive, else nothing is changed."""
    known = {f.name for f in fields(Thresholds)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ApplicationError(_("Unknown thresholds: %(names)s") % {"names": ", ".join(unknown)})
    for name in ("line_ratio", "month_ratio", "week_ratio"):
        if name in values and float(values[name]) <= 1:
            raise ApplicationError(_("%(name)s must be above 1") % {"name": name})
    if "robust_z" in values and float(values["robust_z"]) <= 0:
        raise ApplicationError(_("%(name)s must be above 0") % {"name": "robust_z"})
    row, _created = AnomalyThresholds.objects.select_for_update().get_or_create(brand_id=brand_id)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return thresholds_for(brand_id=brand_id)
