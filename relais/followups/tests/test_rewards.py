"""The brand's decisions on orders and challenges, then who is told: one notice each, never twice."""

from relais.accounts.tests.factories import partner_user
from relais.comms.models import Delivery, Message
from relais.followups import rewards
from relais.incentives import services
from relais.incentives.models import Challenge
from relais.incentives.tests.factories import RewardFactory, credit, running_challenge
from relais.network.tests.factories import PartnerFactory


def test_an_order_approved_then_shipped_tells_who_placed_it(partner, brand_admin):
    buyer = partner_user(partner, email="buyer@martin.test")
    partner_user(partner, email="colleague@martin.test")
    credit(partner, 300)
    order = services.reward_redeem(
        partner=partner,
        reward=RewardFactory(brand=partner.brand),
        quantity=1,
        user=buyer,
        idempotency_key="o",
    )

    rewards.order_approve(order=order, user=brand_admin)
    rewards.order_ship(order=order, user=brand_admin)

    codes = list(Message.objects.order_by("pk").values_list("code", flat=True))
    assert codes == ["order_approved", "order_shipped"]
    assert set(Delivery.objects.values_list("user", flat=True)) == {buyer.pk}


def test_a_challenge_started_is_announced_once_to_the_brands_partners(brand, partner):
    member = partner_user(partner, email="in@martin.test")
    partner_user(PartnerFactory(), email="other-brand@example.test")
    challenge = running_challenge(brand, status=Challenge.Status.SCHEDULED)

    rewards.challenge_status_set(challenge=challenge, status=Challenge.Status.RUNNING)

    message = Message.objects.get(code="challenge_launched")
    assert list(Delivery.objects.filter(message=message).values_list("user", flat=True)) == [member.pk]


def test_a_challenge_scheduled_is_not_announced_yet(brand, partner):
    partner_user(partner, email="in@martin.test")
    challenge = running_challenge(brand, status=Challenge.Status.DRAFT)

    rewards.challenge_status_set(challenge=challenge, status=Challenge.Status.SCHEDULED)

    assert not Message.objects.filter(code="challenge_launched").exists()
