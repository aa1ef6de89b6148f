"""Factories of the funds tests: activity types, budgets, allocations with money, requests, tiny proof files."""

from __future__ import annotations

import datetime as dt
import itertools
import struct
import zlib
from decimal import Decimal

from relais.funds import services
from relais.funds.models import ActivityType, FundAllocation, FundBudget, FundRequest
from relais.funds.proofs import ProofFile

_KEYS = itertools.count(1)
PERIOD = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
# The smallest files each checker accepts (their magic bytes and a little body).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"


def png_bytes() -> bytes:
    """A 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


PNG = png_bytes()


def invoice(name: str = "facture.pdf") -> ProofFile:
    return ProofFile(name=name, content=PDF)


def photo(name: str = "vitrine.png") -> ProofFile:
    return ProofFile(name=name, content=PNG)


def activity(
    brand, *, code: str = "print_ad", proofs: tuple[str, ...] = ("invoice", "photo")
) -> ActivityType:
    return services.activity_type_save(brand=brand, code=code, name="Annonce presse", required_proofs=proofs)


def budget(brand, *, total: str = "10000", program=None, period=PERIOD) -> FundBudget:
    return services.budget_create(
        brand=brand,
        name="MDF T4 2026",
        period_start=period[0],
        period_end=period[1],
        total=Decimal(total),
        program=program,
    )


def fixed_allocation(partner, *, amount: str = "1000", in_budget: FundBudget | None = None) -> FundAllocation:
    target = in_budget or budget(partner.brand)
    return services.allocation_set(budget=target, partner=partner, kind="fixed", amount=Decimal(amount))


def fund_request(
    allocation: FundAllocation, *, cost: str = "300", kind: ActivityType | None = None, key: str | None = None
) -> FundRequest:
    return services.fund_request_submit(
        allocation=allocation,
        activity_type=kind
        or ActivityType.objects.filter(brand_id=allocation.brand_id).first()
        or activity(allocation.budget.brand),
        title="Annonce dans Ouest-France",
        planned_cost=Decimal(cost),
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 30),
        expected_results="+10 % de ventes de perceuses",
        idempotency_key=key or f"req-{next(_KEYS)}",
    )


def approved_request(allocation: FundAllocation, *, cost: str = "300") -> FundRequest:
    return services.fund_request_decide(
        request=fund_request(allocation, cost=cost), decision="full", today=dt.date(2026, 11, 1)
    )
