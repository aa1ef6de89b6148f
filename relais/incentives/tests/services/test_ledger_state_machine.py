"""The ledger under any order of post, confirm, reverse (a rejection, also during the holding), time passing
(past holding dates and expiry dates), the brand changing its holding period, the release of a reconciled
period, redeem (and refund by cancelling) keeps its invariants: balance = sum of entries = sum of lots left
≥ 0 = available + held + provisional, no lot consumed beyond its amount, idempotent posts, and a redemption
never spends points that are not yet available (provisional, held, or expired)."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from relais.accounts.tests.factories import UserFactory
from relais.core.errors import ApplicationError
from relais.core.tests.factories import BrandFactory
from relais.incentives import selectors, services
from relais.incentives.models import LotAllocation, PointsAccount, PointsEntry, RedemptionOrder
from relais.incentives.tests.factories import ChallengeFactory, RewardFactory
from relais.network.tests.factories import PartnerFactory


class LedgerMachine(RuleBasedStateMachine):
    credits = Bundle("credits")
    orders = Bundle("orders")

    def __init__(self):
        super().__init__()
        self.brand = BrandFactory()
        self.partner = PartnerFactory(brand=self.brand)
        self.staff = UserFactory(brand=self.brand)
        self.reward = RewardFactory(brand=self.brand, points_price=10, stock=None)
        # Earned lots belong to this challenge's period (January to March 2026), released as one period.
        self.challenge = ChallengeFactory(brand=self.brand)
        self.now = timezone.now()
        # Every service, and every auto_now field, reads this clock: time passes when a rule says so.
        self.clock = mock.patch.object(timezone, "now", lambda: self.now)
        self.clock.start()
        self.keys_posted: set[str] = set()
        self.order_keys = 0

    def teardown(self):
        self.clock.stop()

    def account(self) -> PointsAccount | None:
        return PointsAccount.objects.filter(partner=self.partner, user__isnull=True).first()

    @rule(
        target=credits,
        amount=st.integers(1, 300),
        key=st.integers(0, 12),
        expires_in_days=st.none() | st.integers(-3, 20),
        provisional=st.booleans(),
        kind=st.sampled_from(["earn", "earn", "adjust"]),
    )
    def post(self, amount, key, expires_in_days, provisional, kind):
        expires_at = None if expires_in_days is None else self.now + timedelta(days=expires_in_days)
        entry = services.points_credit(
            brand=self.brand,
            partner=self.partner,
            amount=amount,
            kind=kind,
            reason="post",
            idempotency_key=f"post-{key}",
            status="provisional" if provisional else "confirmed",
            expires_at=expires_at,
            challenge=self.challenge if kind == "earn" else None,
        )
        self.keys_posted.add(f"post-{key}")
        return entry

    @rule(entry=credits)
    def reverse(self, entry):
        services.points_reverse(entry=entry, reason="reverse")

    @rule(entry=credits)
    def confirm(self, entry):
        services.points_confirm(account=entry.account, entries=PointsEntry.objects.filter(pk=entry.pk))

    @rule(days=st.integers(0, 8))
    def expire(self, days):
        self.now += timedelta(days=days)
        services.points_expire(brand=self.brand, now=self.now)

    @rule(days=st.integers(1, 15))
    def time_passes(self, days):
        self.now += timedelta(days=days)

    @rule(holding_days=st.sampled_from([0, 3, 14]), until_reconciled=st.booleans())
    def brand_sets_its_holding(self, holding_days, until_reconciled):
        services.incentive_settings_save(
            brand=self.brand, holding_days=holding_days, hold_until_reconciled=until_reconciled
        )

    @rule()
    def period_reconciled(self):
        held = sum(
            PointsEntry.objects.filter(partner=self.partner, awaits_reconciliation=True).values_list(
                "remaining", flat=True
            )
        )
        released = services.points_release(
            brand=self.brand,
            partner=self.partner,
            period_start=date(2026, 3, 1),
            period_end=date(2026, 3, 31),
        )
        assert released == held
        assert not PointsEntry.objects.filter(partner=self.partner, awaits_reconciliation=True).exists()

    def spendable_lots(self) -> dict[int, int]:
        """The lots a redemption may take from now, by the rule stated apart from the code: confirmed, holding
        over (no reconciliation awaited, available date passed), not expired."""
        return {
            lot.pk: lot.remaining
            for lot in PointsEntry.objects.filter(partner=self.partner, amount__gt=0, remaining__gt=0)
            if lot.status == "confirmed"
            and not lot.awaits_reconciliation
            and (lot.available_at is None or lot.available_at <= self.now)
            and (lot.expires_at is None or lot.expires_at > self.now)
        }

    @rule(target=orders, quantity=st.integers(1, 30), replay=st.booleans())
    def redeem(self, quantity, replay):
        if not replay:
            self.order_keys += 1
        key = f"order-{self.order_keys}"
        spendable = self.spendable_lots()
        available = sum(spendable.values())
        known = RedemptionOrder.objects.filter(partner=self.partner, idempotency_key=key).first()
        try:
            order = services.reward_redeem(
                partner=self.partner, reward=self.reward, quantity=quantity, user=None, idempotency_key=key
            )
        except services.IdempotencyConflict:
            assert known is not None and known.quantity != quantity
            return None
        except ApplicationError:
            assert known is None and quantity * 10 > available
            return None
        if known is not None:
            assert order.pk == known.pk
        else:
            assert quantity * 10 <= available
            # No held, provisional or expired point paid for it, nor more of a lot than it had left.
            debit = order.entries.get(kind="redeem")
            for allocation in LotAllocation.objects.filter(debit=debit):
                assert allocation.lot_id in spendable
                assert allocation.amount <= spendable[allocation.lot_id]
        return order

    @rule(order=orders)
    def refund(self, order):
        if order is None:
            return
        order.refresh_from_db()
        try:
            services.order_cancel(order=order, user=self.staff)
        except ApplicationError:
            assert order.status == "cancelled"

    @invariant()
    def balance_is_the_sum_of_the_ledger(self):
        account = self.account()
        if account is None:
            return
        account.refresh_from_db()
        totals = selectors.ledger_totals(account=account)
        assert account.balance == totals["sum"] == totals["lots"] >= 0
        assert account.provisional == totals["provisional"]
        assert account.confirmed >= 0
        summary = selectors.account_summary(partner=self.partner)
        assert summary["available"] + summary["held"] + summary["provisional"] == summary["balance"]
        assert summary["held"] == summary["awaiting_reconciliation"] + sum(
            row["points"] for row in summary["held_until"]
        )
        assert summary["available"] >= sum(self.spendable_lots().values())  # plus lots past expiry, if any
        assert summary["available"] >= 0 and summary["held"] >= 0

    @invariant()
    def no_lot_is_over_consumed(self):
        for lot in PointsEntry.objects.filter(partner=self.partner, amount__gt=0):
            used = LotAllocation.objects.filter(lot=lot).aggregate(s=Sum("amount"))["s"] or 0
            assert 0 <= lot.remaining == lot.amount - used

    @invariant()
    def debits_are_fully_allocated(self):
        for debit in PointsEntry.objects.filter(partner=self.partner, amount__lt=0):
            assert -debit.amount == LotAllocation.objects.filter(debit=debit).aggregate(s=Sum("amount"))["s"]

    @invariant()
    def posts_are_idempotent(self):
        posted = PointsEntry.objects.filter(partner=self.partner, idempotency_key__startswith="post-").count()
        assert posted == len(self.keys_posted)
        for order in RedemptionOrder.objects.filter(partner=self.partner):
            assert order.entries.filter(kind="redeem").count() == 1
            assert order.entries.filter(kind="refund").count() == (1 if order.status == "cancelled" else 0)


@pytest.mark.django_db
def test_ledger_state_machine():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
