from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relais.network.models import SegmentMembership
from relais.network.tests.factories import PartnerFactory, SegmentFactory

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
    assert "acme: 1 segment(s), 1 joined, 0 left" in out.getvalue()


def test_one_brand_only_and_unknown_slug(brand, other_brand):
    foreign = SegmentFactory(brand=other_brand, rules={})
    PartnerFactory(brand=other_brand)
    call_command("recompute_segments", brand="acme", stdout=StringIO())
    assert not SegmentMembership.objects.filter(segment=foreign).exists()
    with pytest.raises(CommandError):
        call_command("recompute_segments", brand="nope")
