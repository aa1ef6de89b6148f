"""The brand's declaration list order and the imports whose refused rows the brand can read."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from relais.sellout.models import SelloutImport
from relais.sellout.selectors import (
    BrandDeclarationFilter,
    brand_declarations_filtered,
    brand_import_get,
    declaration_imports_with_rejections,
)
from relais.sellout.tests.factories import DeclarationFactory

pytestmark = pytest.mark.django_db


def test_the_brands_declarations_come_newest_period_first_by_default(brand, partner, other_partner):
    # Given declarations created in an order unrelated to their periods
    now = timezone.now()
    sept = DeclarationFactory(
        partner=partner, period_start=dt.date(2026, 9, 1), period_end=dt.date(2026, 9, 30)
    )
    nov = DeclarationFactory(
        partner=other_partner, period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 11, 30)
    )
    oct_late = DeclarationFactory(
        partner=partner, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31), submitted_at=now
    )
    oct_early = DeclarationFactory(
        partner=other_partner,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        submitted_at=now - dt.timedelta(days=3),
    )
    # When the list is read without a sort, then with the oldest first and by partner
    default, _ = brand_declarations_filtered(brand=brand, criteria=BrandDeclarationFilter())
    oldest, _ = brand_declarations_filtered(brand=brand, criteria=BrandDeclarationFilter(sort="period"))
    unknown, _ = brand_declarations_filtered(
        brand=brand, criteria=BrandDeclarationFilter(sort="secret_field")
    )
    # Then
    assert list(default) == [nov, oct_late, oct_early, sept]
    assert list(oldest) == [sept, oct_early, oct_late, nov]
    assert list(unknown) == list(default)


def test_the_brand_reaches_the_refused_rows_of_its_partners_imports_only(brand, partner, other_brand):
    declaration = DeclarationFactory(partner=partner)
    refused = SelloutImport.objects.create(brand=brand, partner=partner, declaration=declaration, rejected=3)
    SelloutImport.objects.create(brand=brand, partner=partner, declaration=declaration, rejected=0)
    assert list(declaration_imports_with_rejections(declaration=declaration)) == [refused]
    assert brand_import_get(brand=brand, import_id=refused.pk) == refused
    with pytest.raises(Http404):
        brand_import_get(brand=other_brand, import_id=refused.pk)
