"""The nightly jobs: the accrual of every budget of a brand, then the expiry of what is left after a period."""

import datetime as dt
from decimal import Decimal

import pytest

from relais.core.jobs import job_enqueue
from relais.core.models import Job
from relais.funds import ledger, services
from relais.funds.tests.factories import budget
from relais.programs.tests.factories import sell
from relais.sellout.tests.factories import catalogue

pytestmark = pytest.mark.django_db(transaction=True)


def test_accrual_job_credits_and_rerun_changes_nothing(brand, partner):
    pot = budget(brand)
    allocation = services.allocation_set(budget=pot, partner=partner, kind="accrued", percent=Decimal("10"))
    sell(partner, catalogue(brand, count=1)[0], day=dt.date(2026, 10, 3), amount="500.00")
    job_enqueue(kind="funds_accrue", payload={}, brand=brand)
    job_enqueue(kind="funds_accrue", payload={}, brand=brand)
    assert ledger.balance_of(allocation.pk).accrued == Decimal("50.00")
    job_enqueue(kind="funds_expire", payload={}, brand=brand)  # the period is not over: nothing expires
    assert ledger.balance_of(allocation.pk).expired == 0
    assert Job.objects.filter(kind="funds_accrue", status="succeeded").count() == 2
