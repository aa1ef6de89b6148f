"""Writes of channel programs: create, edit an aspect, publish and close; policy versions and
acknowledgements; the tiers of a period (append-only moves)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import Role, User
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.network.models import PartnerCompany, Segment
from relais.programs import rules, selectors
from relais.programs.models import (
    Policy,
    PolicyAcknowledgement,
    PolicyKind,
    PolicyVersion,
    Program,
    ProgramStatus,
    TierMove,
)
from relais.training.selectors import training_completion_share


@transaction.atomic
def program_create(
    *,
    brand: Brand,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    base: Program | None = None,
    segment: Segment | None = None,
    channel: str = "",
    owner: User | None = None,
    content: dict[str, Any] | None = None,
) -> Program:
    """A draft program: the base program of the brand (no ``base``), or a segment or channel program
    inheriting from ``base``."""
    if period_end < period_start:
        raise ApplicationError(_("The period ends before it starts."))
    if base is not None and (base.brand_id != brand.pk or base.base_id is not None):
        raise ApplicationError(_("A program inherits from a base program of the same brand."))
    if segment is not None and segment.brand_id != brand.pk:
        raise ApplicationError(_("This segment is not one of the brand's."))
    if base is None and (segment is not None or channel):
        raise ApplicationError(_("A segment or channel program inherits from a base program."))
    return Program.objects.create(
        brand=brand,
        name=name,
        base=base,
        segment=segment,
        channel=channel,
        period_start=period_start,
        period_end=period_end,
        owner=owner,
        content=_clean_content(content or {}),
    )


def _clean_content(content: dict[str, Any]) -> dict[str, Any]:
    unknown = set(content) - set(rules.INHERITED_KEYS)
    if unknown:
        raise ApplicationError(_("Unknown program aspects: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    for objective in content.get("objectives", []):
        if objective.get("metric") not in rules.METRICS or objective.get("level") not in {
            "channel",
            "account",
        }:
            raise ApplicationError(_("An objective needs a known measure and a level (channel or account)."))
        if float(objective.get("target", 0)) <= 0:
            raise ApplicationError(_("An objective's target must be above zero."))
    codes = [tier.get("code") for tier in content.get("tiers", [])]
    if len(codes) != len(set(codes)) or not all(codes):
        raise ApplicationError(_("Each tier needs its own code."))
    return content


@transaction.atomic
def program_aspect_set(*, program: Program, key: str, value: Any | None) -> Program:
    """Set one aspect (objectives, assortment, tiers) of a program, or with ``value`` None go back to the
    base's (a segment program only)."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status == ProgramStatus.CLOSED:
        raise ApplicationError(_("A closed program can no longer be changed."))
    content = dict(program.content)
    if value is None:
        if program.is_base:
            raise ApplicationError(_("The base program has nothing to inherit from."))
        content.pop(key, None)
    else:
        content[key] = value
    program.content = _clean_content(content)
    program.save(update_fields=["content", "updated_at"])
    return program


@transaction.atomic
def program_publish(*, program: Program) -> Program:
    """Publish a draft: partners it covers see it from now on. A segment program needs its base published."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != ProgramStatus.DRAFT:
        raise ApplicationError(_("Only a draft program can be published."))
    if program.base is not None and program.base.status != ProgramStatus.PUBLISHED:
        raise ApplicationError(_("Publish the base program first."))
    program.status = ProgramStatus.PUBLISHED
    program.published_at = timezone.now()
    program.save(update_fields=["status", "published_at", "updated_at"])
    return program


@transaction.atomic
def program_close(*, program: Program) -> Program:
    """Close a published program (its period is over): it stays readable, no longer changes."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != ProgramStatus.PUBLISHED:
        raise ApplicationError(_("Only a published program can be closed."))
    program.status = ProgramStatus.CLOSED
    program.save(update_fields=["status", "updated_at"])
    return program


# --- policies ---------------------------------------------------------------------------------------------


@transaction.atomic
def policy_version_publish(
    *, program: Program, kind: str, title: str, body: str, user: User | None = None
) -> PolicyVersion:
    """A new version of the program's policy of ``kind`` (created with its first version): partners are asked
    to acknowledge it again."""
    if kind not in PolicyKind.values:
        raise ApplicationError(_("Unknown policy kind."))
    if not body.strip():
        raise ApplicationError(_("A policy needs a text."))
    policy, _created = Policy.objects.get_or_create(
        program=program, kind=kind, defaults={"brand_id": program.brand_id, "title": title}
    )
    if title and policy.title != title:
        policy.title = title
        policy.save(update_fields=["title", "updated_at"])
    Policy.objects.select_for_update().filter(pk=policy.pk).first()
    number = (PolicyVersion.objects.filter(policy=policy).aggregate(n=Max("number"))["n"] or 0) + 1
    return PolicyVersion.objects.create(
        brand_id=program.brand_id, policy=policy, number=number, body=body, created_by=user
    )


@transaction.atomic
def policy_acknowledge(
    *, version: PolicyVersion, partner: PartnerCompany, user: User
) -> PolicyAcknowledgement:
    """A partner admin acknowledges the current version of a policy for its company (once; again is a no-op)."""
    if user.partner_id != partner.pk or user.role != Role.PARTNER_ADMIN:
        raise ApplicationError(_("Only an administrator of the company can acknowledge a policy."))
    if version.brand_id != partner.brand_id:
        raise ApplicationError(_("This policy is not one of your program's."))
    current = PolicyVersion.objects.filter(policy_id=version.policy_id).order_by("-number").first()
    if current is None or current.pk != version.pk:
        raise ApplicationError(_("A newer version of this policy exists: read it first."))
    existing = PolicyAcknowledgement.objects.filter(version=version, partner=partner).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return PolicyAcknowledgement.objects.create(
                brand_id=partner.brand_id, version=version, partner=partner, user=user
            )
    except IntegrityError:  # another admin of the company acknowledged it at the same moment
        return PolicyAcknowledgement.objects.get(version=version, partner=partner)


# --- tiers ------------------------------------------------------------------------------------------------


@transaction.atomic
def program_tiers_compute(*, program: Program) -> list[TierMove]:
    """Compute the tier of every covered partner for the program's period and append it to the history
    (one row per partner and period; a period already computed is left as it is). Measures: validated
    sell-out amount, attainment of the account-level amount objective (else of the first account
    objective), data quality (percent of lines accepted), and training (percent of the partner's people who
    completed their assigned modules by the period's end) when a tier asks for it."""
    tiers = selectors.program_effective_content(program=program)["tiers"]
    progress = selectors.program_progress(program=program)
    training: dict[int, float] = {}
    if any("min_training" in tier for tier in tiers):
        end = dt.datetime.combine(program.period_end, dt.time.max, tzinfo=dt.UTC)
        training = training_completion_share(brand=program.brand, partner_ids=list(progress.partners), at=end)
    account_objective = _tier_objective(progress.objectives)
    done = set(
        TierMove.objects.filter(program=program, period_start=program.period_start).values_list(
            "partner_id", flat=True
        )
    )
    previous = _latest_tiers(program=program)
    moves = []
    for pid, measures in progress.partners.items():
        if pid in done:
            continue
        attained = account_objective["attainment_by_partner"].get(pid) if account_objective else None
        values = {
            "amount": float(measures["amount"] or 0),
            "attainment": float(attained or 0),
            "quality": float(measures["quality"] or 0),
        }
        if training:
            values["training"] = 100 * training.get(pid, 0.0)
        result = rules.tier_for(tiers, values)
        moves.append(
            TierMove(
                brand_id=program.brand_id,
                program=program,
                partner_id=pid,
                period_start=program.period_start,
                period_end=program.period_end,
                tier=result.tier,
                previous_tier=previous.get(pid, ""),
                measures={
                    **{k: round(v, 2) for k, v in values.items()},
                    "next_tier": result.next_tier,
                    "missing": result.missing,
                },
            )
        )
    TierMove.objects.bulk_create(moves)
    return moves


def _tier_objective(objectives: list[dict[str, Any]]) -> dict[str, Any] | None:
    account = [o for o in objectives if o.get("level") == "account"]
    return next((o for o in account if o["metric"] == "amount"), account[0] if account else None)


def _latest_tiers(*, program: Program) -> dict[int, str]:
    """Each partner's latest tier in this program or its earlier periods (the same base and segment)."""
    same_scope = (
        Q(program__segment__isnull=True)
        if program.segment_id is None
        else Q(program__segment_id=program.segment_id)
    )
    moves = TierMove.objects.filter(
        same_scope,
        brand_id=program.brand_id,
        program__channel=program.channel,
        period_start__lt=program.period_start,
    ).order_by("partner_id", "-period_start")
    latest: dict[int, str] = {}
    for pid, tier in moves.values_list("partner_id", "tier"):
        latest.setdefault(pid, tier)
    return latest
