"""Training reads: who is assigned what (everyone, a segment, a role), a seller's modules, the completion share
a program tier reads, the partners' valid certifications, the certifications to remind, the report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs.tests.factories import member
from relais.training import selectors, services
from relais.training.models import CertificationAward
from relais.training.tests.factories import published_module

pytestmark = pytest.mark.django_db


def test_assignments_reach_everyone_a_segment_or_a_role(brand, partner, other_partner):
    everyone = published_module(brand, title="Pour tous")
    segment = SegmentFactory(brand=brand)
    member(segment, partner)
    for_segment = published_module(brand, assign=False, title="Segment")
    services.assignment_add(
        module=for_segment, target="segment", segment=segment, due_on=dt.date(2027, 1, 15)
    )
    for_sellers = published_module(brand, assign=False, title="Vendeurs")
    services.assignment_add(module=for_sellers, target="role", role=Role.PARTNER_SELLER)

    seller = partner_user(partner, role=Role.PARTNER_SELLER)
    admin = partner_user(partner, role=Role.PARTNER_ADMIN)
    other_seller = partner_user(other_partner, role=Role.PARTNER_SELLER)

    def titles(user):
        return sorted(i.module.title for i in selectors.my_modules(user=user))

    assert titles(seller) == ["Pour tous", "Segment", "Vendeurs"]
    assert titles(admin) == ["Pour tous", "Segment"]
    assert titles(other_seller) == ["Pour tous", "Vendeurs"]
    assert selectors.assigned_modules(partner=partner, role=None)[for_segment.pk] == dt.date(2027, 1, 15)
    assert everyone.pk in selectors.assigned_modules(partner=other_partner, role=None)


def test_a_draft_module_is_assigned_to_nobody_and_its_page_is_a_404(brand, partner_seller):
    module = published_module(brand)
    services.module_publish(module=module, publish=False)

    assert selectors.my_modules(user=partner_seller) == []
    with pytest.raises(Http404):
        selectors.my_module_get(user=partner_seller, module_id=module.pk)


def test_my_modules_lists_what_is_due_first_then_what_is_done(brand, partner_seller):
    later = published_module(brand, assign=False, title="Plus tard")
    services.assignment_add(module=later, target="everyone", due_on=dt.date(2027, 3, 1))
    sooner = published_module(brand, assign=False, title="Bientôt")
    services.assignment_add(module=sooner, target="everyone", due_on=dt.date(2026, 12, 20))
    done = published_module(brand, title="Fait")
    services.attempt_submit(module=done, user=partner_seller, answers=done.right)
    services.attempt_submit(module=later, user=partner_seller, answers=later.wrong)

    items = selectors.my_modules(user=partner_seller)

    assert [i.module.title for i in items] == ["Bientôt", "Plus tard", "Fait"]
    assert items[1].best_try == 0 and items[1].completion is None
    assert items[2].completion is not None and items[2].completion.score == 100


def test_completion_share_counts_users_who_completed_every_module_assigned(brand, partner, other_partner):
    first, second = published_module(brand), published_module(brand)
    sellers = [partner_user(partner, role=Role.PARTNER_SELLER) for _ in range(4)]
    for seller in sellers[:3]:
        services.attempt_submit(module=first, user=seller, answers=first.right)
    for seller in sellers[:1]:
        services.attempt_submit(module=second, user=seller, answers=second.right)
    quiet = PartnerFactory(brand=brand)  # nobody there

    share = selectors.training_completion_share(
        brand=brand, partner_ids=[partner.pk, other_partner.pk, quiet.pk]
    )

    assert share == {partner.pk: 0.25, other_partner.pk: 0.0, quiet.pk: 0.0}
    before = selectors.training_completion_share(
        brand=brand, partner_ids=[partner.pk], at=timezone.now() - dt.timedelta(days=1)
    )
    assert before == {partner.pk: 0.0}


def test_completion_share_takes_a_few_queries_whatever_the_number_of_partners(brand):
    module = published_module(brand)
    partners = [PartnerFactory(brand=brand) for _ in range(12)]
    for p in partners:
        seller = partner_user(p, role=Role.PARTNER_SELLER)
        services.attempt_submit(module=module, user=seller, answers=module.right)

    with CaptureQueriesContext(connection) as queries:
        share = selectors.training_completion_share(brand=brand, partner_ids=[p.pk for p in partners])

    assert set(share.values()) == {1.0}
    assert len(queries) <= 4


def test_partner_certifications_are_the_valid_latest_grants(brand, partner, other_partner):
    module = published_module(brand)
    certification = services.certification_save(brand=brand, name="Pro", validity_months=6, modules=[module])
    seller = partner_user(partner, role=Role.PARTNER_SELLER)
    services.attempt_submit(module=module, user=seller, answers=module.right)
    lapsed = partner_user(other_partner, role=Role.PARTNER_SELLER)
    CertificationAward.objects.create(
        brand=brand,
        certification=certification,
        user=lapsed,
        partner=other_partner,
        awarded_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2025, 7, 1),
    )

    found = selectors.partner_certifications(brand=brand, partner_ids=[partner.pk, other_partner.pk])

    assert [a.user for a in found[partner.pk]] == [seller]
    assert found[other_partner.pk] == []
    in_2025 = selectors.partner_certifications(
        brand=brand, partner_ids=[other_partner.pk], at=dt.date(2025, 3, 1)
    )
    assert [a.user for a in in_2025[other_partner.pk]] == [lapsed]


def test_awards_expiring_within_30_days_not_renewed_nor_reminded(brand, partner):
    module = published_module(brand)
    certification = services.certification_save(brand=brand, name="Pro", validity_months=12, modules=[module])
    today = dt.date(2026, 12, 2)

    def award(user, expires_on, **fields):
        return CertificationAward.objects.create(
            brand=brand,
            certification=certification,
            user=user,
            partner=partner,
            awarded_on=expires_on - dt.timedelta(days=365),
            expires_on=expires_on,
            **fields,
        )

    due = award(partner_user(partner), today + dt.timedelta(days=30))
    award(partner_user(partner), today + dt.timedelta(days=31))  # too early
    award(partner_user(partner), today + dt.timedelta(days=10), reminded_at=timezone.now())  # told already
    renewed_user = partner_user(partner)
    award(renewed_user, today + dt.timedelta(days=5))
    CertificationAward.objects.create(
        brand=brand,
        certification=certification,
        user=renewed_user,
        partner=partner,
        awarded_on=today,
        expires_on=today + dt.timedelta(days=365),
    )

    assert selectors.awards_expiring(today=today) == [due]


def test_the_report_has_a_row_per_user_and_module_assigned(brand, partner, other_partner):
    module = published_module(brand, title="Atlas")
    seller = partner_user(partner, role=Role.PARTNER_SELLER, email="a@martin.test")
    partner_user(partner, role=Role.PARTNER_SELLER, email="b@martin.test")
    partner_user(other_partner, role=Role.PARTNER_ADMIN, email="c@dupont.test")
    services.attempt_submit(module=module, user=seller, answers=module.right)

    rows = selectors.completion_report(brand=brand)
    by_partner = {p["partner"].pk: p for p in selectors.report_by_partner(rows)}

    assert [(r.user.email, r.completion is not None) for r in rows] == [
        ("c@dupont.test", False),
        ("a@martin.test", True),
        ("b@martin.test", False),
    ]
    assert (by_partner[partner.pk]["done"], by_partner[partner.pk]["due"]) == (1, 2)
    assert by_partner[partner.pk]["share"] == 0.5
