from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from relais.core.errors import ApplicationError
from relais.incentives import services
from relais.incentives.models import LotAllocation, PointsAccount, PointsEntry
from relais.incentives.tests.factories import credit
from relais.network.tests.factories import PartnerFactory


def account_of(partner):
    return PointsAccount.objects.get(partner=partner, user__isnull=True)


def test_credit_is_idempotent_on_its_key(partner, check_ledger):
    first = credit(partner, 100, key="k1")
    again = credit(partner, 100, key="k1")

    assert again.pk == first.pk
    assert PointsEntry.objects.filter(partner=partner).count() == 1
    assert account_of(partner).balance == 100
    check_ledger(account_of(partner))


def test_same_key_in_another_brand_is_another_entry(partner, other_brand):
    stranger = PartnerFactory(brand=other_brand)
    credit(partner, 10, key="same")
    credit(stranger, 20, key="same")

    assert PointsEntry.objects.filter(idempotency_key="same").count() == 2


def test_debit_spends_soonest_expiring_lots_first(partner, check_ledger):
    now = timezone.now()
    late = credit(partner, 100, expires_at=now + timedelta(days=300))
    never = credit(partner, 100, expires_at=None)
    soon = credit(partner, 100, expires_at=now + timedelta(days=10))

    debit = services.points_debit(
        brand=partner.brand, partner=partner, amount=150, kind="redeem", reason="t", idempotency_key="d1"
    )

    taken = dict(LotAllocation.objects.filter(debit=debit).values_list("lot_id", "amount"))
    assert taken == {soon.pk: 100, late.pk: 50}
    never.refresh_from_db()
    assert never.remaining == 100
    assert debit.amount == -150
    check_ledger(account_of(partner))


def test_debit_beyond_available_is_refused_and_writes_nothing(partner):
    credit(partner, 50)
    credit(partner, 80, status="provisional")

    with pytest.raises(ApplicationError):
        services.points_debit(
            brand=partner.brand, partner=partner, amount=60, kind="redeem", reason="t", idempotency_key="d"
        )

    account = account_of(partner)
    assert (account.balance, account.provisional, account.confirmed) == (130, 80, 50)
    assert not PointsEntry.objects.filter(amount__lt=0).exists()


def test_reverse_is_a_new_entry_and_the_credit_is_untouched(partner, check_ledger):
    lot = credit(partner, 70)

    reversal = services.points_reverse(entry=lot, reason="wrong")
    again = services.points_reverse(entry=lot, reason="wrong")

    lot.refresh_from_db()
    assert reversal is not None and again is not None
    assert lot.amount == 70 and lot.remaining == 0
    assert reversal.amount == -70 and reversal.kind == "reverse" and reversal.reversal_of_id == lot.pk
    assert again.pk == reversal.pk
    assert account_of(partner).balance == 0
    check_ledger(account_of(partner))


def test_reverse_of_spent_points_takes_other_lots_then_stops_at_zero(partner, check_ledger):
    lot = credit(partner, 100)
    credit(partner, 30)
    services.points_debit(
        brand=partner.brand, partner=partner, amount=110, kind="redeem", reason="t", idempotency_key="d"
    )

    reversal = services.points_reverse(entry=lot, reason="rejected")

    assert reversal is not None
    assert reversal.amount == -20
    assert "20 of 100" in reversal.reason
    assert account_of(partner).balance == 0
    check_ledger(account_of(partner))


def test_expire_posts_what_is_left_of_expired_lots(partner, check_ledger):
    now = timezone.now()
    soon = credit(partner, 100, expires_at=now + timedelta(hours=1))
    credit(partner, 40, expires_at=now + timedelta(days=30))
    services.points_debit(
        brand=partner.brand, partner=partner, amount=30, kind="redeem", reason="t", idempotency_key="d"
    )
    later = now + timedelta(hours=2)

    expired = services.points_expire(brand=partner.brand, now=later)
    expired_again = services.points_expire(brand=partner.brand, now=later)

    assert expired == 70
    assert expired_again == 0
    entry = PointsEntry.objects.get(kind="expire")
    assert entry.amount == -70
    assert LotAllocation.objects.get(debit=entry).lot_id == soon.pk
    assert account_of(partner).balance == 40
    check_ledger(account_of(partner))


def test_a_debit_never_spends_a_lot_past_its_date_even_before_the_expiry_job(partner, check_ledger):
    now = timezone.now()
    old = credit(partner, 100, expires_at=now - timedelta(days=1))
    fresh = credit(partner, 40, expires_at=now + timedelta(days=30))

    debit = services.points_debit(
        brand=partner.brand, partner=partner, amount=30, kind="redeem", reason="t", idempotency_key="d"
    )

    assert [a.lot_id for a in LotAllocation.objects.filter(debit=debit)] == [fresh.pk]
    expiry = PointsEntry.objects.get(kind="expire")
    assert expiry.amount == -100
    assert LotAllocation.objects.get(debit=expiry).lot_id == old.pk
    assert account_of(partner).balance == 10
    assert services.points_expire(brand=partner.brand, now=now) == 0
    with pytest.raises(ApplicationError):
        services.points_debit(
            brand=partner.brand, partner=partner, amount=11, kind="redeem", reason="t", idempotency_key="e"
        )
    check_ledger(account_of(partner))


def test_provisional_lots_do_not_expire_nor_pay(partner, check_ledger):
    now = timezone.now()
    credit(partner, 100, expires_at=now - timedelta(days=1), status="provisional")

    assert services.points_expire(brand=partner.brand, now=now) == 0
    account = account_of(partner)
    assert account.confirmed == 0
    check_ledger(account)


def test_adjust_needs_a_reason_and_can_debit(partner, brand_admin, check_ledger):
    credit(partner, 100)
    with pytest.raises(ApplicationError):
        services.points_adjust(
            brand=partner.brand,
            partner=partner,
            amount=-10,
            reason=" ",
            idempotency_key="a",
            created_by=brand_admin,
        )
    entry = services.points_adjust(
        brand=partner.brand,
        partner=partner,
        amount=-10,
        reason="goodwill fix",
        idempotency_key="a",
        created_by=brand_admin,
    )
    assert entry.amount == -10 and entry.kind == "adjust"
    check_ledger(account_of(partner))


def test_seller_points_live_on_the_seller_account(partner, partner_seller, check_ledger):
    credit(partner, 25, user=partner_seller)

    seller_account = PointsAccount.objects.get(partner=partner, user=partner_seller)
    assert seller_account.balance == 25
    assert not PointsAccount.objects.filter(partner=partner, user__isnull=True, balance__gt=0).exists()
    check_ledger(seller_account)


def test_expire_points_command_expires_every_brand(partner, other_brand):
    stranger = PartnerFactory(brand=other_brand)
    yesterday = timezone.now() - timedelta(days=1)
    credit(partner, 10, expires_at=yesterday)
    credit(stranger, 20, expires_at=yesterday)
    out = StringIO()

    call_command("expire_points", stdout=out)

    assert sorted(PointsEntry.objects.filter(kind="expire").values_list("amount", flat=True)) == [-20, -10]
    assert "10 points expired" in out.getvalue()
