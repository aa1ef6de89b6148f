"""Pages of the incentives domain: brand back-office (challenges, ledger, objectives, rewards, orders) and the
partner portal (my challenges, objectives, points, leaderboard, rewards, orders). Views stay thin."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from relais.accounts.access import access_brand_partner_scope, access_brand_staff, access_partner_user
from relais.accounts.models import Role
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.followups import programs as followups_programs
from relais.followups import rewards as followups_rewards
from relais.incentives import scope_selectors, selectors, services
from relais.incentives.forms import (
    AdjustForm,
    BacktestForm,
    ChallengeForm,
    LedgerFilterForm,
    ObjectiveForm,
    ObjectiveProposeForm,
    RedeemForm,
    RewardForm,
    RuleForm,
)
from relais.incentives.models import Challenge, ChallengeRule, ObjectiveMetric, RedemptionOrder
from relais.incentives.services.texts import challenge_texts_set, reward_texts_set
from relais.incentives.texts import texts_from_form, texts_initial, without_texts
from relais.insights.selectors import challenge_impact
from relais.programs import objectives as program_objectives
from relais.programs.objective_selectors import account_objective_list
from relais.programs.selectors import partner_tier_benefits

# ---------------------------------------------------------------------------------------------------- brand


def _challenge_kwargs(form: ChallengeForm) -> dict[str, Any]:
    data = without_texts(form.cleaned_data)
    return {
        "name": data["name"],
        "description": data["description"],
        "period_start": data["period_start"],
        "period_end": data["period_end"],
        "budget_points": data["budget_points"],
        "beneficiary": data["beneficiary"],
        "segments": list(data["segments"]),
        "points_validity_days": data["points_validity_days"],
    }


@login_required
def challenge_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = ChallengeForm(request.POST or None, brand=brand)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.challenge_create(
                brand=brand, created_by=request.user, **_challenge_kwargs(form)
            )
            challenge_texts_set(challenge=challenge, texts=texts_from_form(form.cleaned_data))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Challenge created. Add its rules."))
            return redirect("incentives:challenge_detail", challenge_id=challenge.pk)
    challenges = list(selectors.challenge_list(brand=brand))
    scope = access_brand_partner_scope(request.user)
    scope_selectors.challenges_points_shown(brand=brand, challenges=challenges, scope=scope)
    return render(request, "incentives/challenge_list.html", {"challenges": challenges, "form": form})


def _editor_context(
    challenge: Challenge, brand: Any, form: ChallengeForm | None = None, scope: Any = None, **extra: Any
) -> dict:
    start, end = selectors.backtest_default_period(challenge=challenge)
    rules = list(selectors.challenge_rules(challenge=challenge, history=True))
    return {
        "challenge": challenge,
        "form": form
        or ChallengeForm(
            brand=brand,
            initial={
                "name": challenge.name,
                "description": challenge.description,
                "period_start": challenge.period_start,
                "period_end": challenge.period_end,
                "budget_points": challenge.budget_points,
                "beneficiary": challenge.beneficiary,
                "segments": list(challenge.segments.all()),
                "points_validity_days": challenge.points_validity_days,
                **texts_initial(challenge),
            },
        ),
        "current_rules": [
            (r, RuleForm(initial=RuleForm.initial_for(r), prefix=f"r{r.pk}")) for r in rules if r.is_current
        ],
        "old_rules": [r for r in rules if not r.is_current],
        "rule_form": extra.pop("rule_form", None) or RuleForm(),
        "backtest_form": BacktestForm(initial={"start": start, "end": end}),
        "leaderboard": scope_selectors.board_top(challenge=challenge, scope=scope, limit=10),
        **extra,
    }


@login_required
def challenge_detail(request: AuthedRequest, challenge_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    challenge = selectors.challenge_get(brand=brand, challenge_id=challenge_id)
    form = None
    if request.method == "POST":
        form = ChallengeForm(request.POST, brand=brand)
        if form.is_valid():
            try:
                services.challenge_update(challenge=challenge, **_challenge_kwargs(form))
                challenge_texts_set(challenge=challenge, texts=texts_from_form(form.cleaned_data))
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Challenge saved."))
                return redirect("incentives:challenge_detail", challenge_id=challenge.pk)
    # A channel manager's scope: its partners' standings and points; no effect measured on others.
    scope = access_brand_partner_scope(request.user)
    scope_selectors.challenges_points_shown(brand=brand, challenges=[challenge], scope=scope)
    context = _editor_context(challenge, brand, form, scope=scope)
    top_ids = [row["partner_id"] for row in context["leaderboard"]]
    partner_names = dict(brand.partners.filter(pk__in=top_ids).values_list("pk", "name"))
    for row in context["leaderboard"]:
        row["name"] = partner_names.get(row["partner_id"], "")
    if scope is None and challenge.status in {challenge.Status.RUNNING, challenge.Status.CLOSED}:
        context["impact"] = challenge_impact(challenge=challenge)
    return render(request, "incentives/challenge_detail.html", context)


@login_required
@require_POST
def challenge_rule_add(request: AuthedRequest, challenge_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    challenge = selectors.challenge_get(brand=brand, challenge_id=challenge_id)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            services.challenge_rule_add(
                challenge=challenge,
                kind=form.cleaned_data["kind"],
                created_by=request.user,
                **form.service_kwargs(),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Rule added."))
    else:
        messages.error(request, _("The rule is not valid: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("incentives:challenge_detail", challenge_id=challenge.pk)


@login_required
@require_POST
def challenge_rule_edit(request: AuthedRequest, challenge_id: int, rule_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    challenge = selectors.challenge_get(brand=brand, challenge_id=challenge_id)
    rule = ChallengeRule.objects.filter(challenge=challenge, pk=rule_id).first()
    if rule is None:
        raise Http404
    if request.POST.get("remove"):
        services.challenge_rule_remove(rule=rule)
        messages.success(request, _("Rule removed."))
        return redirect("incentives:challenge_detail", challenge_id=challenge.pk)
    form = RuleForm(request.POST, prefix=f"r{rule.pk}")
    if form.is_valid():
        try:
            new = services.challenge_rule_update(rule=rule, created_by=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            if new.pk != rule.pk:
                messages.success(
                    request,
                    _("Points were already posted with version %(old)s: the rule is now version %(new)s.")
                    % {"old": rule.version, "new": new.version},
                )
            else:
                messages.success(request, _("Rule saved."))
    else:
        messages.error(request, _("The rule is not valid: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("incentives:challenge_detail", challenge_id=challenge.pk)


@login_required
@require_POST
def challenge_status(request: AuthedRequest, challenge_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    challenge = selectors.challenge_get(brand=brand, challenge_id=challenge_id)
    status = request.POST.get("status", "")
    try:
        if status == Challenge.Status.CLOSED:
            result = followups_programs.challenge_close(challenge=challenge)
            messages.success(
                request,
                ngettext(
                    "Challenge closed: %(n)s objective bonus, %(points)s points.",
                    "Challenge closed: %(n)s objective bonuses, %(points)s points.",
                    result["bonuses"],
                )
                % {
                    "n": result["bonuses"],
                    "points": number_format(result["bonus_points"], force_grouping=True),
                },
            )
        else:
            followups_rewards.challenge_status_set(challenge=challenge, status=status)
            messages.success(request, _("Status changed."))
    except (ApplicationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    return redirect("incentives:challenge_detail", challenge_id=challenge.pk)


@login_required
def challenge_backtest(request: AuthedRequest, challenge_id: int) -> HttpResponse:
    """The back-test fragment (htmx): reads only."""
    brand = access_brand_staff(request.user)
    challenge = selectors.challenge_get(brand=brand, challenge_id=challenge_id)
    form = BacktestForm(request.GET)
    result = None
    if form.is_valid():
        result = followups_programs.challenge_backtest(
            challenge=challenge, period_start=form.cleaned_data["start"], period_end=form.cleaned_data["end"]
        )
    return render(
        request, "incentives/partials/backtest.html", {"challenge": challenge, "form": form, "result": result}
    )


@login_required
def ledger_explorer(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    scope = access_brand_partner_scope(request.user)
    adjust_form = AdjustForm(request.POST or None, brand=brand)
    scope_selectors.form_partners_narrow(adjust_form, brand=brand, scope=scope)
    if request.method == "POST" and adjust_form.is_valid():
        data = adjust_form.cleaned_data
        try:
            services.points_adjust(
                brand=brand,
                partner=data["partner"],
                amount=data["amount"],
                reason=data["reason"],
                idempotency_key=f"adjust:{data['idempotency_key']}",
                created_by=request.user,
            )
        except ApplicationError as exc:
            adjust_form.add_error(None, exc.message)
        else:
            messages.success(request, _("Adjustment posted."))
            return redirect("incentives:ledger")
    filters = LedgerFilterForm(request.GET or None, brand=brand)
    scope_selectors.form_partners_narrow(filters, brand=brand, scope=scope)
    entries = selectors.ledger_entries(brand=brand)
    if filters.is_valid():
        data = filters.cleaned_data
        entries = selectors.ledger_entries(
            brand=brand,
            partner_id=data["partner"].pk if data["partner"] else None,
            challenge_id=data["challenge"].pk if data["challenge"] else None,
            kind=data["kind"] or None,
        )
    entries = scope_selectors.in_scope(entries, brand=brand, scope=scope)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "incentives/ledger.html",
        {"filters": filters, "page": page, "query": query.urlencode(), "adjust_form": adjust_form},
    )


@login_required
def objective_list(request: AuthedRequest) -> HttpResponse:
    """The partners' account objectives (kept by ``relais.programs``; a challenge's bonus reads them) with
    their progress; entered or proposed here, imported with a preview on the programs' objectives page."""
    brand = access_brand_staff(request.user)
    scope = access_brand_partner_scope(request.user)
    form = scope_selectors.form_partners_narrow(ObjectiveForm(brand=brand), brand=brand, scope=scope)
    propose_form = ObjectiveProposeForm(brand=brand)
    proposals = None
    action = request.POST.get("action")
    if request.method == "POST":
        try:
            if action == "enter":
                form = ObjectiveForm(request.POST, brand=brand)
                scope_selectors.form_partners_narrow(form, brand=brand, scope=scope)
                if form.is_valid():
                    program_objectives.account_objective_set(brand=brand, **form.cleaned_data)
                    messages.success(request, _("Objective saved."))
                    return redirect("incentives:objectives")
            elif action == "propose":
                propose_form = ObjectiveProposeForm(request.POST, brand=brand)
                if propose_form.is_valid():
                    proposals = program_objectives.account_objectives_propose(
                        brand=brand, save=True, **propose_form.cleaned_data
                    )
                    messages.success(
                        request,
                        ngettext(
                            "%(n)s objective proposed from last year's sales and the segment trend.",
                            "%(n)s objectives proposed from last year's sales and the segment trend.",
                            len(proposals),
                        )
                        % {"n": len(proposals)},
                    )
        except ApplicationError as exc:
            messages.error(request, exc.message)
    q, metric = request.GET.get("q", "")[:100], request.GET.get("metric", "")
    objectives = account_objective_list(brand=brand, q=q, metric=metric).filter(scope="")
    objectives = scope_selectors.in_scope(objectives, brand=brand, scope=scope)
    page = Paginator(objectives, 50).get_page(request.GET.get("page"))
    rows = [selectors.objective_progress(objective=o) for o in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "incentives/objectives.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "metric": metric,
            "metrics": ObjectiveMetric.choices,
            "query": query.urlencode(),
            "form": form,
            "propose_form": propose_form,
            "proposals": proposals,
        },
    )


@login_required
def reward_admin(request: AuthedRequest, reward_id: int | None = None) -> HttpResponse:
    brand = access_brand_staff(request.user)
    reward = selectors.reward_get(brand=brand, reward_id=reward_id) if reward_id else None
    initial = None
    if reward is not None:
        initial = {
            "name": reward.name,
            "description": reward.description,
            "points_price": reward.points_price,
            "stock": reward.stock,
            "segments": list(reward.segments.all()),
            "is_active": reward.is_active,
            "image_url": reward.image_url,
            "variants": ", ".join(reward.variants or []),
            "needs_delivery": reward.needs_delivery,
            "is_premium": reward.is_premium,
            **texts_initial(reward),
        }
    form = RewardForm(request.POST or None, brand=brand, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = without_texts(form.cleaned_data)
        try:
            saved = services.reward_save(
                brand=brand, reward=reward, **{**data, "segments": list(data["segments"])}
            )
            reward_texts_set(reward=saved, texts=texts_from_form(form.cleaned_data))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Reward saved."))
            return redirect("incentives:rewards")
    return render(
        request,
        "incentives/reward_admin.html",
        {"rewards": selectors.reward_list(brand=brand), "form": form, "reward": reward},
    )


@login_required
def order_approvals(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    status = request.GET.get("status", RedemptionOrder.Status.REQUESTED)
    orders = scope_selectors.in_scope(
        selectors.order_list(brand=brand, status=status or None),
        brand=brand,
        scope=access_brand_partner_scope(request.user),
    )
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "incentives/orders.html",
        {"page": page, "status": status, "statuses": RedemptionOrder.Status.choices},
    )


@login_required
@require_POST
def order_action(request: AuthedRequest, order_id: int, action: str) -> HttpResponse:
    brand = access_brand_staff(request.user)
    order = scope_selectors.order_in_scope_get(
        brand=brand, order_id=order_id, scope=access_brand_partner_scope(request.user)
    )
    try:
        if action == "approve":
            followups_rewards.order_approve(order=order, user=request.user)
        elif action == "ship":
            followups_rewards.order_ship(order=order, user=request.user)
        elif action == "cancel":
            followups_rewards.order_cancel(
                order=order, user=request.user, reason=request.POST.get("reason", "")
            )
        else:
            raise ApplicationError(_("Unknown action."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order updated."))
    status = request.POST.get("status", "")
    target = reverse("incentives:orders")
    return redirect(f"{target}?status={status}" if status in RedemptionOrder.Status.values else target)


# ---------------------------------------------------------------------------------------------------- partner


@login_required
def my_challenges(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    rows = []
    for challenge in selectors.partner_challenges(partner=partner):
        rows.append(
            {
                "challenge": challenge,
                "rank": selectors.leaderboard_rank(challenge=challenge, partner_id=partner.pk),
                "size": selectors.leaderboard_size(challenge=challenge),
                "rules": selectors.challenge_rules(challenge=challenge),
            }
        )
    return render(request, "incentives/my_challenges.html", {"rows": rows})


@login_required
def my_leaderboard(request: AuthedRequest, challenge_id: int) -> HttpResponse:
    partner = access_partner_user(request.user)
    challenge = selectors.partner_challenge_get(partner=partner, challenge_id=challenge_id)
    boards = selectors.partner_boards(challenge=challenge, partner=partner)
    return render(request, "incentives/my_leaderboard.html", {"challenge": challenge, "boards": boards})


@login_required
def my_objectives(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    rows = [
        selectors.objective_progress(objective=o)
        for o in account_objective_list(brand=partner.brand, partner=partner).filter(scope="")
    ]
    return render(request, "incentives/my_objectives.html", {"rows": rows})


@login_required
def my_points(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    account = selectors.points_account_find(partner=partner, user=request.user)
    entries = selectors.ledger_entries(brand=partner.brand, account=account)
    if account is None:
        entries = entries.none()
    page = Paginator(entries, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "incentives/my_points.html",
        {"page": page, "summary": selectors.account_summary(partner=partner, user=request.user)},
    )


@login_required
def my_rewards(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    # Premium rewards are listed to every partner: those its tier does not grant are shown locked, with why.
    benefits = partner_tier_benefits(partner=partner)
    rewards = selectors.partner_rewards(partner=partner, premium_allowed=True)
    key = uuid.uuid4().hex
    return render(
        request,
        "incentives/my_rewards.html",
        {
            "rewards": [
                (r, RedeemForm(initial={"quantity": 1, "idempotency_key": f"{key}-{r.pk}"})) for r in rewards
            ],
            "benefits": benefits,
            "summary": selectors.account_summary(partner=partner, user=request.user),
        },
    )


@login_required
def my_redeem_confirm(request: AuthedRequest, reward_id: int) -> HttpResponse:
    """The step before spending points: the order, its total and the balance after, the variant and the
    delivery address; nothing is spent until it is confirmed."""
    partner = access_partner_user(request.user)
    premium = followups_programs.premium_allowed(partner=partner)
    reward = selectors.partner_reward_get(partner=partner, reward_id=reward_id, premium_allowed=premium)
    quantity = RedeemForm.base_fields["quantity"].clean(request.GET.get("quantity") or 1)  # type: ignore[union-attr]
    summary = selectors.account_summary(partner=partner, user=request.user)
    total = reward.points_price * quantity
    form = RedeemForm(
        initial={
            "quantity": quantity,
            "idempotency_key": uuid.uuid4().hex,
            "variant": request.GET.get("variant", ""),
        }
    )
    return render(
        request,
        "incentives/my_redeem_confirm.html",
        {
            "reward": reward,
            "quantity": quantity,
            "total": total,
            "summary": summary,
            "after": summary["available"] - total,
            "form": form,
        },
    )


@login_required
@require_POST
def my_redeem(request: AuthedRequest, reward_id: int) -> HttpResponse:
    partner = access_partner_user(request.user)
    premium = followups_programs.premium_allowed(partner=partner)
    reward = selectors.partner_reward_get(partner=partner, reward_id=reward_id, premium_allowed=premium)
    form = RedeemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a quantity between 1 and 1000."))
        return redirect("incentives:my_rewards")
    quantity = form.cleaned_data["quantity"]
    try:
        order = services.reward_redeem(
            partner=partner,
            reward=reward,
            quantity=quantity,
            user=request.user,
            idempotency_key=form.cleaned_data["idempotency_key"],
            variant=form.cleaned_data["variant"],
            delivery_address=form.cleaned_data["delivery_address"],
            premium_allowed=premium,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        confirm = reverse("incentives:my_redeem_confirm", args=[reward.pk])
        return redirect(f"{confirm}?{urlencode({'quantity': quantity})}")
    messages.success(
        request,
        _("Order placed: %(quantity)s × %(reward)s for %(points)s points.")
        % {"quantity": order.quantity, "reward": reward.name, "points": order.points_total},
    )
    return redirect("incentives:my_orders")


@login_required
@require_POST
def my_order_cancel(request: AuthedRequest, order_id: int) -> HttpResponse:
    """The partner withdraws an order the brand has not approved yet; its points come back."""
    partner = access_partner_user(request.user)
    # A seller withdraws only the orders it placed; the partner's admin any of the company's.
    own_only = None if request.user.role == Role.PARTNER_ADMIN else request.user.pk
    order = selectors.partner_order_get(partner=partner, order_id=order_id, user_id=own_only)
    try:
        followups_rewards.order_cancel_by_partner(order=order, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order cancelled: its points are back on your balance."))
    return redirect("incentives:my_orders")


@login_required
def my_orders(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    orders = selectors.order_list(brand=partner.brand, partner=partner)
    page = Paginator(orders, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "incentives/my_orders.html",
        {"page": page, "summary": selectors.account_summary(partner=partner, user=request.user)},
    )
