"""The demo's marketing funds: a budget on the base program and one on a segment program, fixed and accrued
allocations, requests in every state, claims with their proof files (a small PDF invoice made with fpdf2 and
a PNG photo), payments; the accrual runs on the validated sell-out the sell-out demo wrote."""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from decimal import Decimal

from django.utils import timezone
from fpdf import FPDF

from relais.accounts.models import Role, User
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.funds import services
from relais.funds.models import FundAllocation, FundBudget
from relais.funds.proofs import ProofFile
from relais.network.models import PartnerCompany
from relais.programs.models import Program

ACTIVITIES = [
    ("print_ad", "Annonce presse locale", ["invoice", "photo"]),
    ("shop_window", "Vitrine et PLV", ["photo"]),
    ("event", "Journée portes ouvertes", ["invoice"]),
    ("online_ads", "Publicité en ligne", ["invoice"]),
]
REQUESTS = [
    (
        "print_ad",
        "Annonce Ouest-France — gamme Éclairage",
        "600",
        "Une demi-page le samedi, +15 % de visites",
    ),
    ("shop_window", "Vitrine de Noël Lumen", "450", "Mise en avant des spots LED pendant les fêtes"),
    ("event", "Portes ouvertes artisans électriciens", "1200", "40 artisans invités, 10 comptes ouverts"),
    ("online_ads", "Campagne Google Ads locale", "800", "2 000 clics vers la page magasin"),
    ("print_ad", "Encart catalogue régional", "900", "Présence dans le catalogue de printemps"),
]


def invoice_pdf(*, number: str, partner: str, amount: str) -> bytes:
    """A one-page invoice of the activity's supplier."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, f"Facture {number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 8, f"Client : {partner}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"Prestation publicitaire - montant HT : {amount} EUR", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def photo_png(*, width: int = 24, height: int = 16) -> bytes:
    """A small PNG of the shop window (a warm yellow block), written by hand: no imaging library needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xf5\xc5\x18" * width for _row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _budgets(brand: Brand, *, today: dt.date) -> list[FundBudget]:
    programs = list(Program.objects.filter(brand=brand, status="published").order_by("base_id", "pk"))
    base = next((p for p in programs if p.base_id is None), None)
    segment = next((p for p in programs if p.base_id is not None), None)
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    out = [
        services.budget_create(
            brand=brand,
            name=f"Fonds marketing réseau {today.year}",
            program=base,
            period_start=start,
            period_end=end,
            total=Decimal("60000"),
        )
    ]
    if segment is not None:
        out.append(
            services.budget_create(
                brand=brand,
                name=f"Co-marketing {segment.name}",
                program=segment,
                period_start=start,
                period_end=end,
                total=Decimal("25000"),
            )
        )
    return out


def _allocate(budgets: list[FundBudget], partners: list[PartnerCompany], admin: User) -> list[FundAllocation]:
    allocations = []
    for i, partner in enumerate(partners):
        budget = budgets[i % len(budgets)]
        if i % 2:
            allocations.append(
                services.allocation_set(
                    budget=budget,
                    partner=partner,
                    kind="accrued",
                    percent=Decimal("3"),
                    cap=Decimal("4000"),
                    by=admin,
                )
            )
        else:
            allocations.append(
                services.allocation_set(
                    budget=budget, partner=partner, kind="fixed", amount=Decimal("2500"), by=admin
                )
            )
    for budget in budgets:
        services.allocation_accrue(budget=budget)
    return allocations


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Write the demo funds of ``brand`` (after the programs and the sell-out)."""
    admin = User.objects.filter(brand=brand, role=Role.BRAND_ADMIN, is_active=True).order_by("pk").first()
    partners = list(PartnerCompany.objects.filter(brand=brand, is_active=True).order_by("code")[:12])
    if admin is None or not partners:
        return {}
    today = timezone.localdate()
    types = {
        code: services.activity_type_save(brand=brand, code=code, name=name, required_proofs=proofs)
        for code, name, proofs in ACTIVITIES
    }
    budgets = _budgets(brand, today=today)
    allocations = _allocate(budgets, partners, admin)
    # Requests in every state, spread over the year: submitted, approved, partly approved, refused,
    # cancelled, claimed (awaiting decision), claim approved, paid.
    outcomes = [
        "paid",
        "paid",
        "claim_approved",
        "claimed",
        "approved",
        "partial",
        "refused",
        "cancelled",
        "submitted",
    ]
    made = claims = paid = 0
    for i, outcome in enumerate(outcomes):
        allocation = allocations[i % len(allocations)]
        code, title, cost, expected = REQUESTS[i % len(REQUESTS)]
        month = max(1, min(today.month - 1, 1 + i))
        starts = dt.date(today.year, month, 1 + rng.randrange(10))
        request = services.fund_request_submit(
            allocation=allocation,
            activity_type=types[code],
            title=title,
            planned_cost=Decimal(cost),
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=20),
            expected_results=expected,
            description="Activité co-financée par Lumen.",
            idempotency_key=f"demo-{i}",
            by=User.objects.filter(partner_id=allocation.partner_id).order_by("pk").first(),
        )
        made += 1
        if outcome == "submitted":
            continue
        if outcome == "refused":
            services.fund_request_decide(
                request=request, decision="refused", reason="Support hors charte de marque.", by=admin
            )
            continue
        try:
            request = services.fund_request_decide(
                request=request,
                decision="partial" if outcome == "partial" else "full",
                amount=Decimal(cost) * Decimal("0.6") if outcome == "partial" else None,
                by=admin,
            )
        except ApplicationError:
            continue  # an accrued allocation may hold too little yet: the request waits
        if outcome == "cancelled":
            services.fund_request_cancel(request=request)
            continue
        if outcome in ("approved", "partial"):
            continue
        files = [
            ProofFile(
                f"facture-{i}.pdf",
                invoice_pdf(number=f"F-{today.year}-{100 + i}", partner=allocation.partner.name, amount=cost),
            ),
            ProofFile(f"photo-{i}.png", photo_png()),
        ]
        claim = services.fund_claim_submit(
            request=request,
            actual_cost=Decimal(cost) * Decimal("0.9"),
            files=files,
            idempotency_key=f"demo-claim-{i}",
        )
        claims += 1
        if outcome == "claimed":
            continue
        claim = services.fund_claim_decide(claim=claim, decision="full", by=admin)
        if outcome == "paid":
            services.fund_claim_pay(
                claim=claim, reference=f"VIR-{today.year}-{500 + i}", paid_on=today, by=admin
            )
            paid += 1
    return {
        "fund budgets": len(budgets),
        "allocations": len(allocations),
        "requests": made,
        "claims": claims,
        "payments": paid,
    }
