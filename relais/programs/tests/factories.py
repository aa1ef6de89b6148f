"""Factories and helpers for program tests: programs, and validated sell-out lines written straight to the
table (the ingest engine has its own tests; here only what a program reads matters)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import factory
from django.utils import timezone

from relais.comms.models import ContentItem, ContentKind, ContentVersion
from relais.core.tests.factories import BrandFactory
from relais.network.models import PartnerCompany, Segment, SegmentMembership
from relais.programs.models import Program, ProgramStatus
from relais.sellout.ingest.store import customer_ref_pseudonym
from relais.sellout.models import Declaration, DeclarationLine, Source

_KEYS = itertools.count(1)
PERIOD = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Programme {n}")
    period_start = PERIOD[0]
    period_end = PERIOD[1]
    status = ProgramStatus.PUBLISHED
    content = factory.LazyFunction(dict)


def member(
    segment: Segment, partner: PartnerCompany, since: dt.date = dt.date(2025, 1, 1)
) -> SegmentMembership:
    return SegmentMembership.objects.create(
        segment=segment,
        partner=partner,
        valid_from=dt.datetime.combine(since, dt.time.min, tzinfo=timezone.get_current_timezone()),
    )


def sell(
    partner: PartnerCompany,
    product,
    *,
    day: dt.date,
    quantity: int = 1,
    amount: str = "10.00",
    customer: str = "",
    invoice: str = "",
    status: str = Declaration.Status.VALIDATED,
) -> DeclarationLine:
    """One validated line (its own reviewed declaration of the line's month)."""
    declaration, _created = Declaration.objects.get_or_create(
        brand_id=partner.brand_id,
        partner=partner,
        period_start=day.replace(day=1),
        period_end=day.replace(day=28),
        source=Source.FORM,
        status=status,
        defaults={"submitted_at": timezone.now()},
    )
    secret = partner.brand.customer_ref_secret
    return DeclarationLine.objects.create(
        brand_id=partner.brand_id,
        partner=partner,
        declaration=declaration,
        product=product,
        gtin=product.gtin,
        quantity=quantity,
        amount=Decimal(amount),
        currency="EUR",
        sale_date=day,
        customer_ref=customer_ref_pseudonym(customer, secret=secret) if customer else "",
        invoice_ref=invoice,
        dedup_key=f"{day:%Y%m%d}{next(_KEYS):024d}",
    )


def brochure(brand, title: str, description: str = ""):
    """A published brochure of the brand's content library, every partner's (no segment, every language)."""
    item = ContentItem.objects.create(
        brand=brand,
        kind=ContentKind.BROCHURE,
        title=title,
        description=description,
        status=ContentItem.Status.PUBLISHED,
        approved_at=timezone.now(),
    )
    version = ContentVersion.objects.create(item=item, number=1, url="https://lumen.example/brochure.pdf")
    item.current_version = version
    item.save(update_fields=["current_version"])
    return item
