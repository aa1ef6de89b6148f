from datetime import date, timedelta
from decimal import Decimal

from relais.catalog.tests.factories import ProductFactory
from relais.followups.network import partner_tiers_refresh
from relais.network.models import PartnerCompany
from relais.network.tests.factories import PartnerFactory
from relais.network.tiers import tertile_tiers
from relais.sellout.models import Declaration, DeclarationLine

TODAY = date(2026, 11, 22)


def test_tertiles_by_mid_rank():
    d = Decimal
    assert tertile_tiers({1: d(10), 2: d(20), 3: d(30)}) == {1: "low", 2: "medium", 3: "high"}
    assert tertile_tiers({1: d(5)}) == {1: "medium"}
    assert tertile_tiers({1: d(5), 2: d(5), 3: d(5)}) == {1: "medium", 2: "medium", 3: "medium"}
    assert tertile_tiers({1: None, 2: d(0), 3: d(7)}) == {1: "none", 2: "none", 3: "medium"}
    six = tertile_tiers({i: d(i) for i in range(1, 7)})
    assert [six[i] for i in range(1, 7)] == ["low", "low", "medium", "medium", "high", "high"]
    assert tertile_tiers({}) == {}


def _sale(*, brand, partner, product, amount, sale_date, status="accepted", declaration_status="submitted"):
    declaration = Declaration.objects.create(
        brand=brand,
        partner=partner,
        period_start=sale_date,
        period_end=sale_date,
        source="form",
        status=declaration_status,
    )
    DeclarationLine.objects.create(
        brand=brand,
        partner=partner,
        declaration=declaration,
        product=product,
        gtin=product.gtin,
        quantity=1,
        amount=Decimal(amount),
        currency="EUR",
        sale_date=sale_date,
        status=status,
        dedup_key=f"{partner.pk}-{sale_date}-{amount}-{status}-{declaration_status}",
    )


def test_activity_tiers_from_the_last_twelve_months_of_accepted_sell_out(brand, other_brand):
    product = ProductFactory(brand=brand)
    small, middle, big, silent, old_only = (PartnerFactory(brand=brand, potential=None) for _ in range(5))
    _sale(brand=brand, partner=small, product=product, amount="100", sale_date=TODAY - timedelta(days=10))
    _sale(brand=brand, partner=middle, product=product, amount="500", sale_date=TODAY - timedelta(days=364))
    _sale(brand=brand, partner=big, product=product, amount="900", sale_date=TODAY)
    _sale(brand=brand, partner=big, product=product, amount="9000", sale_date=TODAY, status="rejected")
    _sale(
        brand=brand,
        partner=small,
        product=product,
        amount="9000",
        sale_date=TODAY,
        declaration_status="draft",
    )
    _sale(
        brand=brand, partner=old_only, product=product, amount="5000", sale_date=TODAY - timedelta(days=365)
    )
    outsider = PartnerFactory(brand=other_brand)

    result = partner_tiers_refresh(brand=brand, today=TODAY)

    rows = {p.pk: p for p in PartnerCompany.objects.filter(brand=brand)}
    assert rows[small.pk].activity_amount_12m == Decimal("100")
    assert rows[big.pk].activity_amount_12m == Decimal("900")
    assert rows[old_only.pk].activity_amount_12m == 0
    assert {pk: p.activity_tier for pk, p in rows.items()} == {
        small.pk: "low",
        middle.pk: "medium",
        big.pk: "high",
        silent.pk: "none",
        old_only.pk: "none",
    }
    assert result == {"partners": 5, "changed": 3}
    outsider.refresh_from_db()
    assert outsider.activity_tier == "none"
    # Nothing changed since: nothing is written.
    assert partner_tiers_refresh(brand=brand, today=TODAY)["changed"] == 0


def test_potential_tiers(brand):
    a = PartnerFactory(brand=brand, potential=Decimal("1000"))
    b = PartnerFactory(brand=brand, potential=Decimal("2000"))
    c = PartnerFactory(brand=brand, potential=Decimal("3000"))
    d = PartnerFactory(brand=brand, potential=None)
    partner_tiers_refresh(brand=brand, today=TODAY)
    tiers = dict(PartnerCompany.objects.filter(brand=brand).values_list("pk", "potential_tier"))
    assert tiers == {a.pk: "low", b.pk: "medium", c.pk: "high", d.pk: "none"}
