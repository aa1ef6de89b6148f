from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from relais.catalog.tests.factories import ProductFactory
from relais.core.jobs import job_enqueue
from relais.core.models import Job
from relais.incentives import rules, services
from relais.incentives.models import (
    Challenge,
    ChallengeRule,
    LeaderboardScore,
    PointsAccount,
    PointsEntry,
    RuleKind,
)
from relais.incentives.tests.factories import ChallengeFactory, declaration_with_lines, running_challenge
from relais.network.models import SegmentMembership
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.sellout.models import Declaration, DeclarationLine


def balance(partner):
    account = PointsAccount.objects.filter(partner=partner, user__isnull=True).first()
    return (account.balance, account.provisional) if account else (0, 0)


def validate(declaration, *, reject_line=None):
    """What the brand's review does to the declaration (engineer D's service does it for real)."""
    if reject_line is not None:
        DeclarationLine.objects.filter(pk=reject_line.pk).update(status=DeclarationLine.Status.REJECTED)
        declaration.lines_rejected += 1
        declaration.lines_accepted -= 1
        declaration.status = Declaration.Status.PARTLY_REJECTED
    else:
        declaration.status = Declaration.Status.VALIDATED
    declaration.reviewed_at = timezone.now()
    declaration.save()


def test_points_are_provisional_until_the_declaration_is_validated(partner, check_ledger):
    challenge = running_challenge(partner.brand, per_unit=10)
    declaration = declaration_with_lines(partner, lines=[{"quantity": 3}, {"quantity": 2}])

    result = services.challenge_score_declaration(declaration=declaration)

    assert result[challenge.pk]["posted"] == 50
    assert balance(partner) == (50, 50)
    validate(declaration)
    result = services.challenge_score_declaration(declaration=declaration)
    assert result[challenge.pk] == {"posted": 0, "reversed": 0, "cut": 0, "confirmed": 2}
    assert balance(partner) == (50, 0)
    assert set(PointsEntry.objects.values_list("status", flat=True)) == {"confirmed"}
    check_ledger(PointsAccount.objects.get(partner=partner))


def test_scoring_twice_posts_once(partner):
    running_challenge(partner.brand, per_unit=10)
    declaration = declaration_with_lines(partner, lines=[{"quantity": 3}])

    services.challenge_score_declaration(declaration=declaration)
    services.challenge_score_declaration(declaration=declaration)

    assert PointsEntry.objects.count() == 1


def test_a_rejected_line_reverses_its_points_by_a_new_entry(partner, check_ledger):
    running_challenge(partner.brand, per_unit=10)
    declaration = declaration_with_lines(partner, lines=[{"quantity": 3}, {"quantity": 2}])
    services.challenge_score_declaration(declaration=declaration)
    bad_line = declaration.lines.order_by("id").first()

    validate(declaration, reject_line=bad_line)
    result = services.challenge_score_declaration(declaration=declaration)

    assert next(iter(result.values()))["reversed"] == 30
    earn = PointsEntry.objects.get(line=bad_line, kind="earn")
    assert earn.amount == 30  # untouched
    assert PointsEntry.objects.get(line=bad_line, kind="reverse").amount == -30
    assert balance(partner) == (20, 0)
    assert LeaderboardScore.objects.get(partner=partner, segment__isnull=True).score == 20
    check_ledger(PointsAccount.objects.get(partner=partner))


def test_a_new_rule_version_does_not_rewrite_posted_points(partner):
    challenge = running_challenge(partner.brand, per_unit=10)
    rule = challenge.rules.get()
    first = declaration_with_lines(partner, lines=[{"quantity": 2}])
    services.challenge_score_declaration(declaration=first)

    v2 = services.challenge_rule_update(rule=rule, points=Decimal(50))
    second = declaration_with_lines(partner, lines=[{"quantity": 2}])
    services.challenge_score_declaration(declaration=second)

    rule.refresh_from_db()
    assert (rule.version, rule.is_current, rule.points) == (1, False, Decimal(10))
    assert (v2.version, v2.key, v2.is_current) == (2, rule.key, True)
    old = PointsEntry.objects.get(declaration=first)
    new = PointsEntry.objects.get(declaration=second)
    assert (old.amount, old.rule_id) == (20, rule.pk)
    assert (new.amount, new.rule_id) == (100, v2.pk)
    # rescoring the first declaration under v2 posts nothing more: the line was scored by this rule already
    services.challenge_score_declaration(declaration=first)
    assert PointsEntry.objects.filter(declaration=first).count() == 1


def test_an_unused_rule_is_edited_in_place(brand):
    challenge = running_challenge(brand, per_unit=10)
    rule = challenge.rules.get()

    edited = services.challenge_rule_update(rule=rule, points=Decimal(12))

    assert edited.pk == rule.pk and edited.version == 1 and edited.points == Decimal(12)
    assert ChallengeRule.objects.filter(challenge=challenge).count() == 1


def test_budget_cap_cuts_and_says_so(partner, other_partner):
    challenge = running_challenge(partner.brand, per_unit=10, budget=45)
    services.challenge_score_declaration(declaration=declaration_with_lines(partner, lines=[{"quantity": 3}]))
    result = services.challenge_score_declaration(
        declaration=declaration_with_lines(other_partner, lines=[{"quantity": 2}, {"quantity": 1}])
    )

    challenge.refresh_from_db()
    assert challenge.points_posted == 45
    assert result[challenge.pk]["cut"] == 15
    cut_entry = PointsEntry.objects.get(partner=other_partner)
    assert cut_entry.amount == 15
    assert "cut by the challenge budget: 5 of 20" in cut_entry.reason
    assert PointsEntry.objects.filter(challenge=challenge).count() == 2


def test_multiplier_for_online_sales_and_product_restriction(partner):
    challenge = ChallengeFactory(brand=partner.brand)
    services.challenge_rule_add(
        challenge=challenge, kind=RuleKind.PER_LINE, points=Decimal(10), families=["Drills"]
    )
    services.challenge_rule_add(
        challenge=challenge, kind=RuleKind.MULTIPLIER, factor=Decimal("1.5"), channel="online"
    )
    declaration = declaration_with_lines(
        partner,
        lines=[
            {"family": "Drills", "channel": "online"},
            {"family": "Drills", "channel": "in_store"},
            {"family": "Saws", "channel": "online"},
        ],
    )

    services.challenge_score_declaration(declaration=declaration)

    assert sorted(PointsEntry.objects.values_list("amount", flat=True)) == [10, 15]


def test_per_amount_rule_gives_points_per_hundred(partner):
    challenge = ChallengeFactory(brand=partner.brand)
    services.challenge_rule_add(challenge=challenge, kind=RuleKind.PER_AMOUNT, points=Decimal(3))
    declaration = declaration_with_lines(partner, lines=[{"quantity": 1, "amount": "250.00"}])

    services.challenge_score_declaration(declaration=declaration)

    assert PointsEntry.objects.get().amount == 7  # 7.5 rounded down


def test_quality_bonus_counts_each_share(partner):
    challenge = ChallengeFactory(brand=partner.brand)
    services.challenge_rule_add(
        challenge=challenge, kind=RuleKind.QUALITY_BONUS, points=Decimal(100), params={"on_time_days": 5}
    )
    declaration = declaration_with_lines(
        partner,
        lines=[
            {"channel": "online", "customer_type": "b2b", "feedback": "clients ask for the 18V kit"},
            {"channel": "in_store", "customer_type": "b2c"},
        ],
        submitted_at=timezone.make_aware(datetime(2026, 2, 3, 9, 0)),  # period ends 31/01, +5 days
    )
    services.challenge_score_declaration(declaration=declaration)
    assert not PointsEntry.objects.exists()  # no quality bonus before the review

    validate(declaration)
    services.challenge_score_declaration(declaration=declaration)

    entry = PointsEntry.objects.get()
    assert entry.amount == 100
    assert entry.status == "confirmed" and entry.declaration_id == declaration.pk


def test_late_incomplete_declaration_gets_only_the_consistency_share(partner):
    challenge = ChallengeFactory(brand=partner.brand)
    services.challenge_rule_add(
        challenge=challenge, kind=RuleKind.QUALITY_BONUS, points=Decimal(100), params={"on_time_days": 1}
    )
    declaration = declaration_with_lines(
        partner,
        lines=[{"channel": "in_store"}],
        submitted_at=timezone.make_aware(datetime(2026, 2, 20, 9, 0)),
    )
    validate(declaration)

    services.challenge_score_declaration(declaration=declaration)

    assert PointsEntry.objects.get().amount == 20


def test_partner_outside_the_eligible_segments_earns_nothing(partner, other_partner):
    segment = SegmentFactory(brand=partner.brand)
    SegmentMembership.objects.create(
        segment=segment, partner=partner, valid_from=timezone.make_aware(datetime(2025, 1, 1))
    )
    challenge = running_challenge(partner.brand, per_unit=1)
    challenge.segments.set([segment])

    services.challenge_score_declaration(declaration=declaration_with_lines(partner, lines=[{"quantity": 5}]))
    services.challenge_score_declaration(
        declaration=declaration_with_lines(other_partner, lines=[{"quantity": 5}])
    )

    assert list(PointsEntry.objects.values_list("partner_id", flat=True)) == [partner.pk]
    assert LeaderboardScore.objects.filter(
        challenge=challenge, segment=segment, partner=partner, score=5
    ).exists()


def test_sellers_earn_on_their_own_account_when_they_are_beneficiaries(partner, partner_seller):
    running_challenge(partner.brand, per_unit=2, beneficiary=Challenge.Beneficiary.SELLER)
    declaration = declaration_with_lines(partner, lines=[{"quantity": 4}], created_by=partner_seller)

    services.challenge_score_declaration(declaration=declaration)

    assert PointsAccount.objects.get(user=partner_seller).balance == 8


def test_lines_outside_the_challenge_period_and_drafts_are_ignored(partner):
    running_challenge(partner.brand, per_unit=1)
    services.challenge_score_declaration(
        declaration=declaration_with_lines(partner, lines=[{"quantity": 5, "sale_date": date(2025, 12, 31)}])
    )
    services.challenge_score_declaration(
        declaration=declaration_with_lines(partner, lines=[{"quantity": 5}], status=Declaration.Status.DRAFT)
    )

    assert not PointsEntry.objects.exists()


def test_the_job_handler_scores_a_declaration(partner, django_capture_on_commit_callbacks):
    running_challenge(partner.brand, per_unit=1)
    declaration = declaration_with_lines(partner, lines=[{"quantity": 5}])

    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(
            kind="incentives_score", payload={"declaration_id": declaration.pk}, brand=partner.brand
        )

    job = Job.objects.get(pk=job.pk)
    assert job.status == "succeeded", job.error
    assert PointsEntry.objects.get().amount == 5


def test_a_rule_on_chosen_products_and_a_multiplier_on_one_of_them(partner):
    hero, sidekick, other = (ProductFactory(brand=partner.brand, family="Tools") for _ in range(3))
    challenge = ChallengeFactory(brand=partner.brand)
    services.challenge_rule_add(
        challenge=challenge,
        kind=RuleKind.PER_UNIT,
        points=Decimal(4),
        product_gtins=[hero.gtin, sidekick.gtin],
    )
    services.challenge_rule_add(
        challenge=challenge, kind=RuleKind.MULTIPLIER, factor=Decimal(2), product_gtins=[hero.gtin]
    )
    declaration = declaration_with_lines(
        partner,
        lines=[
            {"product": hero, "quantity": 3},
            {"product": sidekick, "quantity": 3},
            {"product": other, "quantity": 3},
        ],
    )

    services.challenge_score_declaration(declaration=declaration)

    points = dict(PointsEntry.objects.values_list("line__product_id", "amount"))
    assert points == {hero.pk: 24, sidekick.pk: 12}


def _score_twice_with_a_rejection(partner, monkeypatch, chunk):
    """Score a declaration of five lines under a tight budget, reject one line, score again; the ledger."""
    monkeypatch.setattr(rules, "SCORE_CHUNK", chunk)
    challenge = running_challenge(partner.brand, per_unit=10, budget=95)
    services.challenge_rule_add(
        challenge=challenge, kind=RuleKind.QUALITY_BONUS, points=Decimal(10), params={"on_time_days": 5}
    )
    declaration = declaration_with_lines(
        partner,
        lines=[
            {"quantity": 1, "channel": "online", "customer_type": "b2b", "feedback": "kit 18V"},
            {"quantity": 2},
            {"quantity": 3},
            {"quantity": 4},
            {"quantity": 5, "channel": "online"},
        ],
        submitted_at=timezone.make_aware(datetime(2026, 2, 3, 9, 0)),
    )
    services.challenge_score_declaration(declaration=declaration)
    lines = list(declaration.lines.order_by("id"))
    validate(declaration, reject_line=lines[1])
    services.challenge_score_declaration(declaration=declaration)
    challenge.refresh_from_db()
    account = PointsAccount.objects.get(partner=partner)
    mine = PointsEntry.objects.filter(partner=partner, challenge=challenge)
    entries = [
        (lines.index(e.line) if e.line else None, e.kind, e.amount, e.status)
        for e in mine.select_related("line").order_by("kind", "line_id", "amount")
    ]
    ledger = sum(mine.values_list("amount", flat=True))
    return (
        entries,
        (account.balance, account.provisional, ledger),
        (challenge.points_posted, challenge.points_cut),
    )


def test_scoring_a_chunk_at_a_time_gives_the_same_ledger(partner, monkeypatch):
    whole = _score_twice_with_a_rejection(partner, monkeypatch, chunk=5000)

    for chunk in (1, 2, 3):  # each time another partner and challenge, so the runs do not mix
        assert (
            _score_twice_with_a_rejection(PartnerFactory(brand=partner.brand), monkeypatch, chunk=chunk)
            == whole
        )

    entries, (balance, provisional, ledger), (posted, cut) = whole
    assert posted <= 95  # never past the budget
    assert (1, "reverse", -20, "confirmed") in entries  # the rejected second line gave its 20 back
    assert (3, "earn", 35, "confirmed") in entries  # the budget cut the fourth line by 5
    assert balance == ledger and provisional == 0
    assert cut >= 5
