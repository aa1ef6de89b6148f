"""Reads of channel programs, brand- and partner-scoped. Sell-out is read from the validated lines (accepted
lines of declarations the brand reviewed), as one polars frame per program, never row by row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import FloatField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from relais.catalog.models import Product
from relais.core.models import Brand
from relais.network.models import PartnerCompany, SegmentMembership
from relais.programs import rules
from relais.programs.models import (
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
    Program,
    ProgramStatus,
    TierMove,
)
from relais.sellout.models import Declaration, DeclarationLine

# Declarations whose accepted lines count (the brand reviewed them); the same rule as incentives'.
REVIEWED = (Declaration.Status.VALIDATED, Declaration.Status.PARTLY_REJECTED)
# A declaration is on time when submitted within this many days after its period ends.
ON_TIME_DAYS = 10
# History read before a program's period for "new customer" (a customer seen in none of it is new).
HISTORY_DAYS = 730


def program_list(*, brand: Brand) -> QuerySet[Program]:
    return Program.objects.filter(brand=brand).select_related("segment", "base").order_by("-base_id", "name")


def program_find(*, brand: Brand, program_id: int) -> Program | None:
    return Program.objects.filter(brand=brand, pk=program_id).select_related("segment", "base").first()


def program_get(*, brand: Brand, program_id: int) -> Program:
    """One of the brand's programs; another brand's is a 404."""
    program = program_find(brand=brand, program_id=program_id)
    if program is None:
        raise Http404
    return program


def program_effective_content(*, program: Program) -> dict[str, Any]:
    return rules.effective_content(base=program.base.content if program.base else None, own=program.content)


def program_covered_partner_ids(*, program: Program, at: dt.date | None = None) -> list[int]:
    """The partners a program covers at a date: its segment's members then (the membership history), or the
    brand's active partners of its channel, or all of them for a base program."""
    day = at or min(timezone.localdate(), program.period_end)
    if program.segment_id:
        instant = dt.datetime.combine(day, dt.time.max, tzinfo=timezone.get_current_timezone())
        stays = SegmentMembership.objects.filter(
            segment_id=program.segment_id, valid_from__lte=instant
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=instant))
        return sorted(set(stays.values_list("partner_id", flat=True)))
    partners = PartnerCompany.objects.filter(brand_id=program.brand_id, is_active=True)
    if program.channel:
        partners = partners.filter(channel=program.channel)
    return sorted(partners.values_list("pk", flat=True))


def partner_program_find(*, partner: PartnerCompany, at: dt.date | None = None) -> Program | None:
    """The published program that covers ``partner``: a segment program of one of its segments first, then a
    channel program of its channel, then the base program."""
    day = at or timezone.localdate()
    published = Program.objects.filter(
        brand_id=partner.brand_id, status=ProgramStatus.PUBLISHED, period_start__lte=day, period_end__gte=day
    ).select_related("base", "segment")
    for program in published.filter(segment__isnull=False).order_by("name"):
        if partner.pk in program_covered_partner_ids(program=program, at=day):
            return program
    by_channel = published.filter(segment__isnull=True, channel=partner.channel).exclude(channel="").first()
    return by_channel or published.filter(base__isnull=True).first()


def program_lines(*, program: Program, partner_ids: list[int], start: dt.date, end: dt.date) -> pl.DataFrame:
    """Validated lines of ``partner_ids`` dated ``start``..``end`` as a frame (``rules.LINE_SCHEMA``).

    The ORM's query, run on the cursor: rows come as the driver gives them (no Decimal or date object made
    per row on SQLite) and polars types the columns at once. Measured in one run at 120k lines on SQLite:
    1.27 s against 1.78 s through ``values_list`` (the same frame), 2.8x a plain GROUP BY (docs/programs.md).
    """
    if not partner_ids:
        return rules.empty_lines()
    query = (
        DeclarationLine.objects.filter(
            brand_id=program.brand_id,
            partner_id__in=partner_ids,
            sale_date__range=(start, end),
            status=DeclarationLine.Status.ACCEPTED,
            declaration__status__in=REVIEWED,
        )
        .annotate(amount_float=Cast("amount", FloatField()))
        .values_list(
            "partner_id", "product_id", "customer_ref", "invoice_ref", "sale_date", "quantity", "amount_float"
        )
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return rules.empty_lines()
    frame = pl.DataFrame(rows, schema=list(rules.LINE_SCHEMA), orient="row", infer_schema_length=None)
    if frame.schema["sale_date"] == pl.String:  # SQLite gives ISO text
        frame = frame.with_columns(pl.col("sale_date").str.to_date("%Y-%m-%d"))
    return frame.cast(rules.LINE_SCHEMA)  # type: ignore[arg-type]


@dataclass
class Progress:
    """A program's measures for its period: per partner and for the channel, with each objective's attainment."""

    partners: dict[int, dict[str, float | int | None]] = field(default_factory=dict)
    channel: dict[str, float | int | None] = field(default_factory=dict)
    objectives: list[dict[str, Any]] = field(default_factory=list)


def program_progress(*, program: Program, partner_ids: list[int] | None = None) -> Progress:
    """Measures of the program's period from validated sell-out, and each objective's attainment: channel
    objectives against the channel's measures, account objectives against each partner's (the channel shows
    the share of accounts that reached theirs)."""
    covered = program_covered_partner_ids(program=program)
    wanted = covered if partner_ids is None else [p for p in partner_ids if p in covered]
    start, end = program.period_start, program.period_end
    lines = program_lines(
        program=program, partner_ids=covered, start=start - dt.timedelta(days=HISTORY_DAYS), end=end
    )
    customers = {
        r["partner_id"]: r for r in rules.customer_metrics(lines, start=start, end=end).iter_rows(named=True)
    }
    sales = {
        r["partner_id"]: r
        for r in rules.sellout_by_partner(lines, start=start, end=end).iter_rows(named=True)
    }
    on_time = _on_time(program=program, partner_ids=covered)
    quality = _quality(program=program, partner_ids=covered)
    progress = Progress()
    for pid in covered:
        c, s = customers.get(pid, {}), sales.get(pid, {})
        progress.partners[pid] = {
            "new_customers": c.get("new_customers", 0),
            "repeat_share": c.get("repeat_share"),
            "lost_customers": c.get("lost_customers", 0),
            "units": s.get("units", 0),
            "amount": s.get("amount", 0.0),
            "coverage": 100.0 if s else 0.0,
            "on_time_share": 100.0 if pid in on_time else 0.0,
            "quality": quality.get(pid, 0.0),
        }
    progress.channel = {
        **rules.channel_customer_metrics(rules.customer_metrics(lines, start=start, end=end)),
        "units": sum(int(p["units"] or 0) for p in progress.partners.values()),
        "amount": sum(float(p["amount"] or 0) for p in progress.partners.values()),
        "coverage": _share(len(sales), len(covered)),
        "on_time_share": _share(len(on_time), len(covered)),
        "accounts": len(covered),
    }
    progress.objectives = _objectives(program=program, progress=progress)
    progress.partners = {pid: m for pid, m in progress.partners.items() if pid in wanted}
    return progress


def _share(part: int, whole: int) -> float:
    return part * 100.0 / whole if whole else 0.0


def _objectives(*, program: Program, progress: Progress) -> list[dict[str, Any]]:
    out = []
    for objective in program_effective_content(program=program)["objectives"]:
        metric, target = objective["metric"], float(objective["target"])
        if objective.get("level") == "account":
            reached = [
                pid
                for pid, m in progress.partners.items()
                if (rules.attainment(_num(m.get(metric)), target, metric=metric) or 0) >= 100
            ]
            per_partner = {
                pid: rules.attainment(_num(m.get(metric)), target, metric=metric)
                for pid, m in progress.partners.items()
            }
            out.append({**objective, "reached_accounts": len(reached), "attainment_by_partner": per_partner})
        else:
            value = _num(progress.channel.get(metric))
            out.append(
                {**objective, "value": value, "attainment": rules.attainment(value, target, metric=metric)}
            )
    return out


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _on_time(*, program: Program, partner_ids: list[int]) -> set[int]:
    """Partners that submitted a declaration of the period within ``ON_TIME_DAYS`` after its end."""
    deadline = dt.datetime.combine(
        program.period_end + dt.timedelta(days=ON_TIME_DAYS),
        dt.time.max,
        tzinfo=timezone.get_current_timezone(),
    )
    return set(
        Declaration.objects.filter(
            brand_id=program.brand_id,
            partner_id__in=partner_ids,
            period_start__lte=program.period_end,
            period_end__gte=program.period_start,
            submitted_at__isnull=False,
            submitted_at__lte=deadline,
        ).values_list("partner_id", flat=True)
    )


def _quality(*, program: Program, partner_ids: list[int]) -> dict[int, float]:
    """Per partner, the percent of its declared lines of the period that were accepted (data quality)."""
    totals: dict[int, list[int]] = {}
    for pid, accepted, rejected in Declaration.objects.filter(
        brand_id=program.brand_id,
        partner_id__in=partner_ids,
        period_start__lte=program.period_end,
        period_end__gte=program.period_start,
        status__in=REVIEWED,
    ).values_list("partner_id", "lines_accepted", "lines_rejected"):
        pair = totals.setdefault(pid, [0, 0])
        pair[0] += accepted
        pair[1] += accepted + rejected
    return {pid: a * 100.0 / t for pid, (a, t) in totals.items() if t}


# --- assortment and upsell ---------------------------------------------------------------------------------


def program_assortment(*, program: Program, partner_ids: list[int] | None = None) -> dict[str, Any]:
    """Required and recommended products, and per partner which of them it sold in the period."""
    assortment = program_effective_content(program=program)["assortment"]
    wanted = [*assortment.get("required", []), *assortment.get("recommended", [])]
    covered = program_covered_partner_ids(program=program)
    ids = covered if partner_ids is None else [p for p in partner_ids if p in covered]
    lines = program_lines(
        program=program, partner_ids=ids, start=program.period_start, end=program.period_end
    )
    sold = lines.filter(pl.col("quantity") > 0).group_by("partner_id").agg(pl.col("product_id").unique())
    sold_by = {r[0]: set(r[1]) for r in sold.iter_rows()}
    required = set(assortment.get("required", []))
    compliance = {
        pid: (len(required & sold_by.get(pid, set())) * 100.0 / len(required)) if required else 100.0
        for pid in ids
    }
    products = {p.pk: p for p in Product.objects.filter(brand_id=program.brand_id, pk__in=wanted)}
    return {
        "required": [products[p] for p in assortment.get("required", []) if p in products],
        "recommended": [products[p] for p in assortment.get("recommended", []) if p in products],
        "sold_by": sold_by,
        "compliance": compliance,
    }


def partner_suggestions(*, program: Program, partner: PartnerCompany) -> dict[str, list[dict[str, Any]]]:
    """Upsell (what comparable partners of the program sell and this one does not) and cross-sell
    (association lift) for ``partner``, with the products. Based on at least ``rules.MIN_COMPARABLE``
    comparable partners; nothing of any single one of them is shown."""
    covered = program_covered_partner_ids(program=program)
    lines = program_lines(
        program=program, partner_ids=covered, start=program.period_start, end=program.period_end
    )
    up = rules.upsell(lines, partner_id=partner.pk, comparable=covered)
    cross = rules.cross_sell(lines, partner_id=partner.pk, comparable=covered)
    ids = {s.product_id for s in up + cross} | {s.with_product for s in cross if s.with_product}
    products = {p.pk: p for p in Product.objects.filter(brand_id=program.brand_id, pk__in=ids)}
    return {
        "upsell": [
            {"suggestion": s, "product": products[s.product_id]} for s in up if s.product_id in products
        ],
        "cross_sell": [
            {"suggestion": s, "product": products[s.product_id], "with": products.get(s.with_product or 0)}
            for s in cross
            if s.product_id in products
        ],
    }


# --- policies ---------------------------------------------------------------------------------------------


def program_policies(*, program: Program) -> list[Policy]:
    """The policies a program applies: its own, and the base's of the kinds it has none of."""
    own = list(Policy.objects.filter(program=program).prefetch_related("versions"))
    kinds = {p.kind for p in own}
    inherited = (
        list(Policy.objects.filter(program=program.base).exclude(kind__in=kinds).prefetch_related("versions"))
        if program.base_id
        else []
    )
    return sorted(own + inherited, key=lambda p: p.kind)


def policy_current_version(*, policy: Policy) -> PolicyVersion | None:
    versions = list(policy.versions.all())
    return max(versions, key=lambda v: v.number) if versions else None


def partner_policies(*, program: Program, partner: PartnerCompany) -> list[dict[str, Any]]:
    """Each policy with its current version and whether ``partner`` acknowledged that version."""
    items = [(p, policy_current_version(policy=p)) for p in program_policies(program=program)]
    version_ids = [v.pk for _p, v in items if v is not None]
    acknowledged = set(
        PolicyAcknowledgement.objects.filter(partner=partner, version_id__in=version_ids).values_list(
            "version_id", flat=True
        )
    )
    return [
        {"policy": p, "version": v, "acknowledged": v is not None and v.pk in acknowledged}
        for p, v in items
        if v is not None
    ]


def partner_policy_version_get(*, partner: PartnerCompany, version_id: int) -> PolicyVersion:
    """A current policy version of the partner's program; anything else is a 404."""
    program = partner_program_find(partner=partner)
    if program is None:
        raise Http404
    for item in partner_policies(program=program, partner=partner):
        if item["version"].pk == version_id:
            return item["version"]
    raise Http404


def policy_coverage(*, program: Program) -> list[dict[str, Any]]:
    """Per policy of the program: its current version, how many covered partners acknowledged it, and which
    acknowledged an older version only (the brand's own partners: no aggregate needed)."""
    covered = program_covered_partner_ids(program=program)
    out = []
    for policy in program_policies(program=program):
        current = policy_current_version(policy=policy)
        if current is None:
            continue
        acks = PolicyAcknowledgement.objects.filter(version__policy=policy, partner_id__in=covered)
        on_current = set(acks.filter(version=current).values_list("partner_id", flat=True))
        on_older = set(acks.exclude(version=current).values_list("partner_id", flat=True)) - on_current
        out.append(
            {
                "policy": policy,
                "version": current,
                "acknowledged": len(on_current),
                "older_only": len(on_older),
                "accounts": len(covered),
                "share": _share(len(on_current), len(covered)),
            }
        )
    return out


# --- tiers ------------------------------------------------------------------------------------------------


def partner_tier_moves(*, program: Program, partner: PartnerCompany) -> QuerySet[TierMove]:
    return TierMove.objects.filter(program=program, partner=partner, brand_id=partner.brand_id)


def program_tier_distribution(*, program: Program) -> dict[str, int]:
    """How many partners hold each tier in the program's latest computed period."""
    latest = (
        TierMove.objects.filter(program=program)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    if latest is None:
        return {}
    counts: dict[str, int] = {}
    for tier in TierMove.objects.filter(program=program, period_start=latest).values_list("tier", flat=True):
        counts[tier] = counts.get(tier, 0) + 1
    return counts


def tier_name(*, tiers: list[dict[str, Any]], code: str) -> str:
    return next((t.get("name", code) for t in tiers if t["code"] == code), code)


# Benefits a partner holds without a tier (or without a program).
NO_BENEFITS: dict[str, Any] = {"points_multiplier": 1.0, "mdf_share": 0.0, "premium_rewards": False}


def benefits_grant_premium(benefits: dict[str, Any]) -> bool:
    """Whether a tier's benefits make premium rewards orderable (``premium_rewards``, or ``rewards: premium``)."""
    return bool(benefits.get("premium_rewards") or benefits.get("rewards") == "premium")


def partner_tier_benefits(*, partner: PartnerCompany, at: dt.date | None = None) -> dict[str, Any]:
    """The partner's current tier in the program that covers it at ``at`` (its latest computed tier) and what
    the tier grants: ``points_multiplier`` (incentives scoring), ``mdf_share`` (percent, read by the marketing
    funds), ``premium_rewards`` (premium rewards orderable) and ``premium_tiers`` (the names of the program's
    tiers that grant them, for the rewards catalogue to say why one is reserved); with the next tier, what it
    still needs and by when (the program's period end). Plain data: other domains take it through
    ``relais.followups``."""
    program = partner_program_find(partner=partner, at=at)
    out: dict[str, Any] = {"program_id": None, "tier": "", "tier_name": "", "next_tier": "", "missing": {}}
    out.update(NO_BENEFITS, premium_tiers=[])
    if program is None:
        return out
    tiers = program_effective_content(program=program)["tiers"]
    out["premium_tiers"] = [
        t.get("name", t["code"]) for t in tiers if benefits_grant_premium(t.get("benefits", {}))
    ]
    move = partner_tier_moves(program=program, partner=partner).first()
    out["program_id"], out["by"] = program.pk, program.period_end
    if move is None:
        first = tiers[0] if tiers else None
        out["next_tier"] = first["code"] if first else ""
        out["next_tier_name"] = first.get("name", "") if first else ""
        return out
    benefits: dict[str, Any] = next((t.get("benefits", {}) for t in tiers if t["code"] == move.tier), {})
    out.update(
        tier=move.tier,
        tier_name=tier_name(tiers=tiers, code=move.tier) if move.tier else "",
        next_tier=move.measures.get("next_tier", ""),
        next_tier_name=tier_name(tiers=tiers, code=move.measures.get("next_tier", "")),
        missing=move.measures.get("missing", {}),
        points_multiplier=float(benefits.get("points_multiplier", 1.0) or 1.0),
        mdf_share=float(benefits.get("mdf_share", 0.0) or 0.0),
        premium_rewards=benefits_grant_premium(benefits),
    )
    return out


def partners_points_multipliers(*, brand: Brand, partner_ids: list[int]) -> dict[int, float]:
    """Each partner's points multiplier from its current tier (1.0 without one)."""
    partners = PartnerCompany.objects.filter(brand=brand, pk__in=partner_ids)
    return {p.pk: partner_tier_benefits(partner=p)["points_multiplier"] for p in partners}
