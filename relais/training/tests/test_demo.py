"""The training demo on a small network: modules with quizzes, assignments, a history, certifications expiring
soon, and the points of the completions posted once through the follow-up."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.followups.training import certification_reminders_send, demo_load
from relais.incentives.models import PointsEntry
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs.tests.factories import member
from relais.training import selectors
from relais.training.models import Attempt, CertificationAward, Completion, ModuleStatus, TrainingModule

pytestmark = pytest.mark.django_db


def test_the_demo_has_published_modules_a_history_and_certifications_to_renew(brand):
    segment = SegmentFactory(brand=brand, name="Revendeurs France")
    partners = PartnerFactory.create_batch(30, brand=brand)
    for partner in partners[:10]:
        member(segment, partner)
    partner_user(partners[0], role=Role.PARTNER_SELLER, email="seller@martin.demo")

    counts = demo_load(brand=brand, rng=random.Random(3))

    modules = TrainingModule.objects.filter(brand=brand)
    assert modules.filter(status=ModuleStatus.PUBLISHED).count() == 5
    assert modules.filter(status=ModuleStatus.DRAFT).count() == 1
    assert all(m.questions.count() >= 2 for m in modules.filter(status=ModuleStatus.PUBLISHED))
    assert {m.language for m in modules} >= {"fr", "en"}
    assert counts["completions"] == Completion.objects.filter(brand=brand).count() > 20
    assert Attempt.objects.filter(brand=brand, passed=False).exists()  # some passed at the second try
    earliest = Attempt.objects.filter(brand=brand).order_by("created_at").first()
    assert earliest is not None and earliest.created_at < timezone.now() - dt.timedelta(days=30)
    assert counts["expiring within 30 days"] >= 1
    assert CertificationAward.objects.filter(brand=brand).count() == counts["certifications granted"]
    # One credit per completion of a module that gives points, and none twice.
    paying = Completion.objects.filter(brand=brand, module__points__gt=0).count()
    assert PointsEntry.objects.filter(brand=brand, reason_code="training_completed").count() == paying
    assert counts["training points credits"] == paying
    share = selectors.training_completion_share(brand=brand, partner_ids=[p.pk for p in partners])
    assert 0 < max(share.values()) <= 1
    assert certification_reminders_send() >= 1
