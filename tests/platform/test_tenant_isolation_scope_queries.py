"""The brand pages a channel manager's scope narrows run as many queries with 50 partners as with 5 for a
scoped channel manager too (tests/platform/test_page_queries.py measures them for an unscoped one)."""

from __future__ import annotations

import pytest

from conftest import login_client
from relais.accounts.scopes import brand_user_scope_set
from relais.network.models import PartnerCompany
from tests.platform.test_page_queries import Network, _assert_flat

pytestmark = pytest.mark.django_db

SCOPED_PAGES = [
    "network:brand_home",
    "insights:dashboard",
    "insights:dashboard_charts",
    "insights:top_partners",
    "insights:programme",
    "insights:feedback",
    "insights:undeclared",
    "sellout:brand_reconciliation",
    "incentives:challenges",
    "incentives:ledger",
    "incentives:objectives",
    "incentives:orders",
]


class ScopedNetwork(Network):
    """The growing network, every partner in France: the rows in scope grow too, so a query per row shows."""

    def grow(self, n: int) -> None:
        super().grow(n)
        PartnerCompany.objects.filter(brand=self.brand).update(country="FR")


@pytest.mark.parametrize("name", SCOPED_PAGES)
def test_a_scoped_page_runs_as_many_queries_with_50_partners_as_with_5(
    brand, partner, brand_admin, channel_manager, name
):
    network = ScopedNetwork(brand, partner)
    brand_user_scope_set(user=channel_manager, countries=["FR"], segment_ids=[], by=brand_admin)
    _assert_flat(login_client(channel_manager), network, name)
