"""Pages of channel programs: the brand's editor and dashboard, the side-by-side comparison with the base,
and the partner's "My program"."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from relais.accounts.access import access_brand_staff, access_partner_admin, access_partner_user
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.followups import programs as followups_programs
from relais.network.models import PartnerCompany
from relais.programs import rollups, rules, selectors, services
from relais.programs.forms import METRIC_LABELS, AspectForm, ObjectiveForm, PolicyForm, ProgramForm
from relais.programs.objective_selectors import account_objective_list, account_objective_progress


@login_required
def program_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    return render(
        request,
        "programs/list.html",
        {"programs": selectors.program_list(brand=brand), "form": ProgramForm(brand=brand)},
    )


@login_required
@require_POST
def program_new(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = ProgramForm(request.POST, brand=brand)
    if form.is_valid():
        try:
            program = services.program_create(brand=brand, owner=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Program created as a draft."))
            return redirect("programs:detail", program_id=program.pk)
    return render(
        request, "programs/list.html", {"programs": selectors.program_list(brand=brand), "form": form}
    )


@login_required
def program_detail(request: AuthedRequest, program_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    program = selectors.program_get(brand=brand, program_id=program_id)
    return render(request, "programs/detail.html", _detail_context(program, page=request.GET.get("page")))


@login_required
@require_POST
def program_rollup(request: AuthedRequest, program_id: int) -> HttpResponse:
    """Refresh the program's rollup of attainment by account in the background."""
    brand = access_brand_staff(request.user)
    program = selectors.program_get(brand=brand, program_id=program_id)
    rollups.program_rollup_enqueue(program=program)
    messages.success(request, _("The accounts' attainment is being computed again."))
    return redirect("programs:detail", program_id=program.pk)


def _detail_context(program: Any, page: str | None = None, **forms: Any) -> dict[str, Any]:
    """The editor and dashboard. Attainment by account reads the rollup table (refreshed by a job, its
    as-of shown), a page at a time; the channel figures and objectives are computed live."""
    content = selectors.program_effective_content(program=program)
    progress = rollups.program_channel_progress(program=program)
    assortment = selectors.program_assortment(program=program, partner_ids=[])
    accounts = Paginator(rollups.program_rollup_rows(program=program), 50).get_page(page)
    overridden = rules.overridden_keys(
        base=program.base.content if program.base else None, own=program.content
    )
    return {
        "program": program,
        "content": content,
        "overridden": overridden,
        "objectives": [
            {**o, "label": METRIC_LABELS.get(o["metric"], o["metric"])} for o in progress.objectives
        ],
        "channel": progress.channel,
        "accounts": accounts,
        "rollups": rollups.program_family_rollups(program=program),
        "account_objectives": [
            METRIC_LABELS[o["metric"]] for o in progress.objectives if o.get("level") == "account"
        ],
        "coverage": selectors.policy_coverage(program=program),
        "assortment": assortment,
        "tiers": selectors.program_tier_distribution(program=program),
        "tiers_json": json.dumps(content["tiers"], indent=1, ensure_ascii=False),
        "assortment_json": json.dumps(content["assortment"], ensure_ascii=False),
        "objective_form": forms.get("objective_form") or ObjectiveForm(),
        "policy_form": forms.get("policy_form") or PolicyForm(),
    }


@login_required
@require_POST
def program_publish(request: AuthedRequest, program_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    program = selectors.program_get(brand=brand, program_id=program_id)
    try:
        if request.POST.get("action") == "close":
            services.program_close(program=program)
            messages.success(request, _("Program closed."))
        else:
            services.program_publish(program=program)
            messages.success(request, _("Program published: the partners it covers see it now."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("programs:detail", program_id=program.pk)


@login_required
@require_POST
def program_aspect(request: AuthedRequest, program_id: int) -> HttpResponse:
    """Add an objective, set an aspect whole (JSON), or go back to the base's."""
    brand = access_brand_staff(request.user)
    program = selectors.program_get(brand=brand, program_id=program_id)
    try:
        if request.POST.get("action") == "objective":
            form = ObjectiveForm(request.POST)
            if not form.is_valid():
                return render(request, "programs/detail.html", _detail_context(program, objective_form=form))
            objectives = list(selectors.program_effective_content(program=program)["objectives"])
            data = form.cleaned_data
            objectives = [
                o for o in objectives if (o["metric"], o["level"]) != (data["metric"], data["level"])
            ]
            objectives.append(
                {"metric": data["metric"], "level": data["level"], "target": float(data["target"])}
            )
            services.program_aspect_set(program=program, key="objectives", value=objectives)
        else:
            aspect = AspectForm(request.POST)
            if not aspect.is_valid():
                messages.error(request, " ".join(str(e) for errors in aspect.errors.values() for e in errors))
                return redirect("programs:detail", program_id=program.pk)
            services.program_aspect_set(
                program=program, key=aspect.cleaned_data["key"], value=aspect.cleaned_data["value"]
            )
        messages.success(request, _("Program saved."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("programs:detail", program_id=program.pk)


@login_required
@require_POST
def program_policy(request: AuthedRequest, program_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    program = selectors.program_get(brand=brand, program_id=program_id)
    form = PolicyForm(request.POST)
    if not form.is_valid():
        return render(request, "programs/detail.html", _detail_context(program, policy_form=form))
    try:
        version = services.policy_version_publish(program=program, user=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Version %(n)s published: partners are asked to acknowledge it.") % {"n": version.number},
        )
    return redirect("programs:detail", program_id=program.pk)


@login_required
@require_POST
def program_tiers(request: AuthedRequest, program_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    program = selectors.program_get(brand=brand, program_id=program_id)
    moves = services.program_tiers_compute(program=program)
    messages.success(
        request,
        ngettext("Tiers computed for %(n)s partner.", "Tiers computed for %(n)s partners.", len(moves))
        % {"n": len(moves)},
    )
    return redirect("programs:detail", program_id=program.pk)


@login_required
def program_compare(request: AuthedRequest) -> HttpResponse:
    """Per segment program, what differs from its base: the balance of personalisation and consistency."""
    brand = access_brand_staff(request.user)
    programs = list(selectors.program_list(brand=brand))
    columns = []
    for program in programs:
        if program.is_base:
            continue
        columns.append(
            {
                "program": program,
                "content": selectors.program_effective_content(program=program),
                "overridden": rules.overridden_keys(
                    base=program.base.content if program.base else None, own=program.content
                ),
                "policies": {p.kind: p for p in selectors.program_policies(program=program)},
            }
        )
    bases = [p for p in programs if p.is_base]
    return render(
        request, "programs/compare.html", {"bases": bases, "columns": columns, "keys": rules.INHERITED_KEYS}
    )


@login_required
def my_program(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    program = selectors.partner_program_find(partner=partner)
    if program is None:
        return render(request, "programs/mine.html", {"program": None})
    return render(
        request, "programs/mine.html", my_program_context(program=program, partner=partner, user=request.user)
    )


def my_program_context(*, program: Any, partner: PartnerCompany, user: Any) -> dict[str, Any]:
    content = selectors.program_effective_content(program=program)
    progress = selectors.program_progress(program=program, partner_ids=[partner.pk])
    mine = progress.partners.get(partner.pk, {})
    objectives = []
    for objective in progress.objectives:
        if objective.get("level") == "account":
            value = mine.get(objective["metric"])
            done = objective["attainment_by_partner"].get(partner.pk)
        else:
            value, done = objective.get("value"), objective.get("attainment")
        objectives.append(
            {**objective, "label": METRIC_LABELS.get(objective["metric"]), "value": value, "done": done}
        )
    assortment = selectors.program_assortment(program=program, partner_ids=[partner.pk])
    sold = assortment["sold_by"].get(partner.pk, set())
    moves = list(selectors.partner_tier_moves(program=program, partner=partner)[:6])
    return {
        "program": program,
        "objectives": objectives,
        "policies": selectors.partner_policies(program=program, partner=partner),
        "can_acknowledge": user.role == "partner_admin",
        "required": [(p, p.pk in sold) for p in assortment["required"]],
        "recommended": [(p, p.pk in sold) for p in assortment["recommended"]],
        "compliance": assortment["compliance"].get(partner.pk),
        "suggestions": followups_programs.suggestions_with_brochures(program=program, partner=partner),
        "benefits": selectors.partner_tier_benefits(partner=partner),
        "account_objectives": _account_objectives(partner=partner, program=program),
        "tier": moves[0] if moves else None,
        "tier_name": selectors.tier_name(tiers=content["tiers"], code=moves[0].tier) if moves else "",
        "next_tier_name": selectors.tier_name(
            tiers=content["tiers"], code=moves[0].measures.get("next_tier", "")
        )
        if moves
        else "",
        "tiers": content["tiers"],
        "moves": moves,
    }


def _account_objectives(*, partner: PartnerCompany, program: Any) -> list[dict[str, Any]]:
    """The partner's own objectives of the program's period (per family, product, mix) with progress."""
    mine = list(
        account_objective_list(brand=partner.brand, partner=partner).filter(
            period_start__lte=program.period_end, period_end__gte=program.period_start
        )[:20]
    )
    progress = account_objective_progress(brand=partner.brand, objectives=mine)
    return [{"objective": o, **progress.get(o.pk, {})} for o in mine]


@login_required
@require_POST
def policy_acknowledge(request: AuthedRequest, version_id: int) -> HttpResponse:
    partner = access_partner_admin(request.user)
    version = selectors.partner_policy_version_get(partner=partner, version_id=version_id)
    try:
        services.policy_acknowledge(version=version, partner=partner, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Policy acknowledged."))
    return redirect("programs:mine")
