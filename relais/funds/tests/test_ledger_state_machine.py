"""The fund ledger under any order of accrue, reverse (sell-out that no longer counts), reserve (request
approved), release (cancel, refused claim), pay (claim paid) and expire: available, reserved, paid and expired never go below zero, and every
balance is the sum the model of the test keeps."""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from relais.core.errors import ApplicationError
from relais.core.tests.factories import BrandFactory
from relais.funds import ledger, services
from relais.funds.models import FundEntry, FundRequest
from relais.funds.tests.factories import activity, budget, fund_request, invoice, photo
from relais.network.tests.factories import PartnerFactory
from relais.programs.tests.factories import sell
from relais.sellout.models import DeclarationLine
from relais.sellout.tests.factories import catalogue

D = Decimal
TODAY = dt.date(2026, 11, 15)


class FundLedgerMachine(RuleBasedStateMachine):
    requests = Bundle("requests")

    def __init__(self):
        super().__init__()
        self.brand = BrandFactory()
        self.partner = PartnerFactory(brand=self.brand)
        self.product = catalogue(self.brand, count=1)[0]
        activity(self.brand, proofs=("invoice",))
        self.budget = budget(self.brand, total="5000")
        self.allocation = services.allocation_set(
            budget=self.budget, partner=self.partner, kind="accrued", percent=D("10"), cap=D("3000")
        )
        self.sold = D(0)
        self.fixed = D(0)
        self.expired_once = False
        self.keys = 0

    def key(self) -> str:
        self.keys += 1
        return f"k{self.keys}"

    @rule(amount=st.integers(1, 4000))
    def sell_and_accrue(self, amount):
        if self.expired_once:
            return
        sell(self.partner, self.product, day=dt.date(2026, 10, 10), amount=f"{amount}.00")
        self.sold += amount
        services.allocation_accrue(budget=self.budget)

    @rule(data=st.data())
    def withdraw_a_line_and_accrue(self, data):
        """A counted line stops counting: the next run takes its accrual back, from what is available."""
        lines = list(
            DeclarationLine.objects.filter(partner=self.partner, status=DeclarationLine.Status.ACCEPTED)
            .order_by("pk")
            .values_list("pk", "amount")
        )
        if not lines:
            return
        pk, amount = data.draw(st.sampled_from(lines))
        DeclarationLine.objects.filter(pk=pk).update(status=DeclarationLine.Status.REJECTED)
        self.sold -= amount
        services.allocation_accrue(budget=self.budget)
        balance = ledger.balance_of(self.allocation.pk)
        assert balance.net_accrued <= min(self.sold / 10, D(3000)) or balance.available == 0

    @rule(
        target=requests, cost=st.integers(1, 1500), decision=st.sampled_from(["full", "partial", "refused"])
    )
    def request_and_decide(self, cost, decision):
        request = fund_request(self.allocation, cost=str(cost), key=self.key())
        try:
            return services.fund_request_decide(
                request=request,
                decision=decision,
                amount=D(cost) / 2 if decision == "partial" else None,
                reason="non",
                today=TODAY,
            )
        except ApplicationError as exc:
            assert exc.extra.get("code") == "insufficient_funds" or decision == "partial"
            return request

    @rule(request=requests)
    def cancel(self, request):
        with contextlib.suppress(ApplicationError):
            services.fund_request_cancel(request=request)

    @rule(request=requests, share=st.integers(1, 150), pay=st.booleans(), refuse=st.booleans())
    def claim(self, request, share, pay, refuse):
        request.refresh_from_db()
        try:
            claim = services.fund_claim_submit(
                request=request,
                actual_cost=(request.approved_amount or D(1)) * share / 100,
                files=[invoice(), photo()],
                idempotency_key=self.key(),
            )
            claim = services.fund_claim_decide(
                claim=claim, decision="refused" if refuse else "full", reason="non"
            )
            if pay and not refuse:
                services.fund_claim_pay(claim=claim, reference="VIR", paid_on=TODAY)
        except ApplicationError:
            pass

    @rule()
    def expire(self):
        services.budget_expire(budget=self.budget, today=dt.date(2027, 1, 1))
        self.expired_once = True

    @invariant()
    def balances_are_sums_and_never_negative(self):
        balance = ledger.balance_of(self.allocation.pk)
        entries = ledger.total_of(FundEntry.objects.filter(allocation=self.allocation))
        assert balance == entries
        assert balance.available >= 0 and balance.reserved >= 0 and balance.paid >= 0 and balance.expired >= 0
        assert balance.granted == balance.available + balance.reserved + balance.paid + balance.expired
        assert 0 <= balance.reversed <= balance.accrued
        assert balance.signed_sum == balance.available
        assert balance.granted <= self.budget.total
        open_reserved = sum(
            (ledger.request_reserved(r.pk) for r in FundRequest.objects.filter(allocation=self.allocation)),
            D(0),
        )
        assert open_reserved == balance.reserved
        for request in FundRequest.objects.filter(allocation=self.allocation):
            assert ledger.request_reserved(request.pk) >= 0
            if request.status in ("refused", "cancelled", "closed", "submitted"):
                assert ledger.request_reserved(request.pk) == 0


@pytest.mark.django_db
def test_fund_ledger_state_machine():
    run_state_machine_as_test(
        FundLedgerMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
