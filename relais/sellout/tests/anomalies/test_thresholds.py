"""A brand's thresholds: defaults when it set none, its own values once set, bad values refused."""

from __future__ import annotations

import pytest
from django.utils import translation

from relais.core.errors import ApplicationError
from relais.sellout.anomalies.thresholds import DEFAULTS, anomaly_thresholds_set, thresholds_for

pytestmark = pytest.mark.django_db


def test_defaults_until_the_brand_sets_its_own(brand, other_brand):
    assert thresholds_for(brand_id=brand.pk) == DEFAULTS

    mine = anomaly_thresholds_set(brand_id=brand.pk, values={"line_ratio": 6.0, "duplicates_in_file": False})

    assert (mine.line_ratio, mine.duplicates_in_file, mine.week_ratio) == (6.0, False, DEFAULTS.week_ratio)
    assert thresholds_for(brand_id=brand.pk) == mine
    assert thresholds_for(brand_id=other_brand.pk) == DEFAULTS


def test_a_ratio_of_one_or_less_is_refused_in_the_users_language(brand):
    with translation.override("fr"), pytest.raises(ApplicationError) as error:
        anomaly_thresholds_set(brand_id=brand.pk, values={"week_ratio": 0.5})
    assert "week_ratio doit être supérieur à 1" in str(error.value.message)
    assert thresholds_for(brand_id=brand.pk) == DEFAULTS
