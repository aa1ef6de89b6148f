from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from relais.catalog.tests.factories import ProductFactory
from relais.network.models import SegmentMembership
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.network.tests.test_tiers import _sale

pytestmark = pytest.mark.django_db


def test_recomputes_every_active_brand(brand, other_brand):
    segment = SegmentFactory(brand=brand, rules={"country": ["FR"]})
    foreign = SegmentFactory(brand=other_brand, rules={})
    PartnerFactory(brand=brand, country="FR")
    PartnerFactory(brand=other_brand)
    out = StringIO()
    call_command("recompute_segments", stdout=out)
    assert SegmentMembership.objects.filter(segment=segment).count() == 1
    assert SegmentMembership.objects.filter(segment=foreign).count() == 1
    assert "acme: 0 tier change(s), 1 segment(s), 1 joined, 0 left" in out.getvalue()


def test_one_brand_only_and_unknown_slug(brand, other_brand):
    foreign = SegmentFactory(brand=other_brand, rules={})
    PartnerFactory(brand=other_brand)
    call_command("recompute_segments", brand="acme", stdout=StringIO())
    assert not SegmentMembership.objects.filter(segment=foreign).exists()
    with pytest.raises(CommandError):
        call_command("recompute_segments", brand="nope")


def test_the_nightly_pass_moves_activity_tiers_before_the_segments(brand):
    active = SegmentFactory(brand=brand, rules={"activity_tier": ["high"]})
    product = ProductFactory(brand=brand)
    quiet, busy, steady = (PartnerFactory(brand=brand) for _ in range(3))
    call_command("recompute_segments", stdout=StringIO())
    assert not SegmentMembership.objects.filter(segment=active).exists()
    today = timezone.localdate()
    for partner, amount in ((quiet, "10"), (steady, "100"), (busy, "1000")):
        _sale(brand=brand, partner=partner, product=product, amount=amount, sale_date=today)

    out = StringIO()
    call_command("recompute_segments", stdout=out)

    members = SegmentMembership.objects.filter(segment=active, valid_to__isnull=True)
    assert list(members.values_list("partner_id", flat=True)) == [busy.pk]
    assert "3 tier change(s)" in out.getvalue()
