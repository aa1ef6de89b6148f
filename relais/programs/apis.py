"""The partner's program over the API (key auth): the program, its objectives with progress, the tier.
A partner reads its own program only; the channel figures are aggregates of the whole channel."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from relais.api.auth import api_key_auth, request_partner
from relais.api.schemas import ErrorOut
from relais.programs import selectors

router = Router(tags=["programs"], auth=api_key_auth)


class PolicyOut(Schema):
    kind: str
    title: str
    version: int
    acknowledged: bool


class ProgramOut(Schema):
    id: int
    name: str
    segment: str | None
    channel: str
    period_start: date
    period_end: date
    policies: list[PolicyOut]


class ObjectiveOut(Schema):
    metric: str
    level: str
    target: float
    value: float | None
    attainment: float | None


class TierOut(Schema):
    tier: str
    name: str
    period_start: date | None
    next_tier: str
    missing: dict[str, float]


def _program(request: HttpRequest):  # type: ignore[no-untyped-def]
    partner = request_partner(request)
    program = selectors.partner_program_find(partner=partner)
    if program is None:
        raise Http404
    return partner, program


@router.get("/program", response={200: ProgramOut, 401: ErrorOut, 404: ErrorOut})
def my_program(request: HttpRequest) -> ProgramOut:
    """The published program that covers my company today."""
    partner, program = _program(request)
    return ProgramOut(
        id=program.pk,
        name=program.name,
        segment=program.segment.name if program.segment else None,
        channel=program.channel,
        period_start=program.period_start,
        period_end=program.period_end,
        policies=[
            PolicyOut(
                kind=i["policy"].kind,
                title=i["policy"].title,
                version=i["version"].number,
                acknowledged=i["acknowledged"],
            )
            for i in selectors.partner_policies(program=program, partner=partner)
        ],
    )


@router.get("/program/objectives", response={200: list[ObjectiveOut], 401: ErrorOut, 404: ErrorOut})
def my_objectives(request: HttpRequest) -> list[ObjectiveOut]:
    """My program's objectives: account objectives with my own progress, channel ones with the channel's."""
    partner, program = _program(request)
    progress = selectors.program_progress(program=program, partner_ids=[partner.pk])
    mine = progress.partners.get(partner.pk, {})
    out = []
    for o in progress.objectives:
        if o.get("level") == "account":
            value, attainment = mine.get(o["metric"]), o["attainment_by_partner"].get(partner.pk)
        else:
            value, attainment = o.get("value"), o.get("attainment")
        out.append(
            ObjectiveOut(
                metric=o["metric"],
                level=o["level"],
                target=float(o["target"]),
                value=None if value is None else float(value),
                attainment=attainment,
            )
        )
    return out


@router.get("/program/tier", response={200: TierOut, 401: ErrorOut, 404: ErrorOut})
def my_tier(request: HttpRequest) -> TierOut:
    """My tier of the latest period computed, and what the next one still needs."""
    partner, program = _program(request)
    tiers = selectors.program_effective_content(program=program)["tiers"]
    move = selectors.partner_tier_moves(program=program, partner=partner).first()
    if move is None:
        return TierOut(tier="", name="", period_start=None, next_tier="", missing={})
    return TierOut(
        tier=move.tier,
        name=selectors.tier_name(tiers=tiers, code=move.tier) if move.tier else "",
        period_start=move.period_start,
        next_tier=move.measures.get("next_tier", ""),
        missing=move.measures.get("missing", {}),
    )
