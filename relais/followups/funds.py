"""After the brand decides on a partner's fund request or claim, or pays a claim: the partner is told. After a
partner's sell-out is counted or reviewed: its accrued allocations are brought to their share of it.

The funds domain decides and moves the money (``relais.funds.services``); these workflows call its service,
then notify the partner's users through ``relais.comms.services.notification_send`` with the kind's code
and JSON params (rendered in each reader's language when read). The views and the API call these, not the
services, for the three decisions.

The notification kinds ``fund_request_decided``, ``fund_claim_decided`` and ``fund_claim_paid`` and their
texts are in ``relais.comms.kinds``; amounts go as decimal strings under ``*_amount`` keys, written in the
reader's number format.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from relais.accounts.models import User
from relais.comms.models import Message
from relais.comms.services import notification_send
from relais.core.jobs import job_enqueue
from relais.core.models import Job
from relais.followups.comms import partner_recipients
from relais.funds import selectors, services
from relais.funds.models import FundClaim, FundRequest
from relais.sellout.models import Declaration

# The job that accrues (relais.funds.tasks.funds_accrue_job): the brand's nightly run, or one partner's.
ACCRUE_JOB_KIND = "funds_accrue"


def _notify(*, request: FundRequest, kind: str, params: dict[str, object]) -> Message | None:
    return notification_send(
        brand=request.brand,
        kind=kind,
        users=partner_recipients(partners=[request.partner], brand=request.brand),
        params={
            "request_id": request.pk,
            "title": request.title,
            "currency": request.brand.currency,
            **params,
        },
    )


def fund_request_decide(
    *,
    request: FundRequest,
    decision: str,
    amount: Decimal | None = None,
    reason: str = "",
    by: User | None = None,
) -> FundRequest:
    """The brand's decision on a request, then the partner is told (approved amount or the reason)."""
    decided = services.fund_request_decide(
        request=request, decision=decision, amount=amount, reason=reason, by=by
    )
    _notify(
        request=decided,
        kind="fund_request_decided",
        params={
            "status": decided.status,
            "approved_amount": str(decided.approved_amount),
            "reason": decided.decision_reason,
        },
    )
    return decided


def fund_claim_decide(
    *,
    claim: FundClaim,
    decision: str,
    amount: Decimal | None = None,
    reason: str = "",
    by: User | None = None,
) -> FundClaim:
    """The brand's decision on a claim, then the partner is told."""
    decided = services.fund_claim_decide(claim=claim, decision=decision, amount=amount, reason=reason, by=by)
    _notify(
        request=decided.request,
        kind="fund_claim_decided",
        params={
            "status": decided.status,
            "approved_amount": str(decided.approved_amount),
            "reason": decided.decision_reason,
        },
    )
    return decided


def fund_claim_pay(
    *, claim: FundClaim, reference: str, paid_on: dt.date, by: User | None = None
) -> FundClaim:
    """The payment of a claim is recorded, then the partner is told (amount, reference, date)."""
    paid = services.fund_claim_pay(claim=claim, reference=reference, paid_on=paid_on, by=by)
    _notify(
        request=paid.request,
        kind="fund_claim_paid",
        params={
            "approved_amount": str(paid.approved_amount),
            "reference": paid.payment_reference,
            "paid_on": paid.paid_on.isoformat() if paid.paid_on else "",
        },
    )
    return paid


def declaration_accrual(*, declaration: Declaration) -> Job | None:
    """After the counted lines of a declaration changed (submitted, flagged lines approved or rejected): the
    partner's accrued allocations are recomputed from its validated sell-out by a job run after commit, so
    an approved line accrues now, and a line no longer validated is reversed, not at the next nightly run.
    The accrual is a recomputation (``relais.funds.services.allocation_accrue``): the job and the nightly run
    in any order, any number of times, end on the same ledger. Nothing is queued for a partner without an
    accrued allocation."""
    if not selectors.partner_accrues(partner=declaration.partner):
        return None
    return job_enqueue(kind=ACCRUE_JOB_KIND, payload={}, brand=declaration.brand, partner=declaration.partner)
