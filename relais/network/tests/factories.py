import factory
from django.utils import timezone

from relais.core.tests.factories import BrandFactory
from relais.network.models import (
    Organisation,
    PartnerCompany,
    PartnerKind,
    Segment,
    SegmentMembership,
    Site,
)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerCompany

    brand = factory.SubFactory(BrandFactory)
    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = PartnerKind.RESELLER
    organisation = Organisation.MULTI_BRAND
    country = "FR"
    region = "Île-de-France"
    city = "Paris"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    partner = factory.SubFactory(PartnerFactory)
    brand = factory.SelfAttribute("partner.brand")
    name = factory.Sequence(lambda n: f"Site {n}")
    country = factory.SelfAttribute("partner.country")
    region = factory.SelfAttribute("partner.region")
    city = factory.SelfAttribute("partner.city")
    is_main = True


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Segment {n}")
    rules = factory.LazyFunction(dict)


class SegmentMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SegmentMembership

    segment = factory.SubFactory(SegmentFactory)
    partner = factory.SubFactory(PartnerFactory, brand=factory.SelfAttribute("..segment.brand"))
    valid_from = factory.LazyFunction(timezone.now)
