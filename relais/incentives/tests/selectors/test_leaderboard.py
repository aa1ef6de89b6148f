import random
from datetime import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relais.incentives import services
from relais.incentives.models import LeaderboardScore
from relais.incentives.selectors import leaderboard_rank, leaderboard_size, partner_boards
from relais.incentives.services import leaderboard_rebuild, leaderboard_score_add
from relais.incentives.tests.factories import declaration_with_lines, running_challenge
from relais.network.models import SegmentMembership
from relais.network.tests.factories import PartnerFactory, SegmentFactory


def test_rank_and_gap_to_next_with_ties(brand):
    challenge = running_challenge(brand, per_unit=1)
    partners = [PartnerFactory(brand=brand) for _ in range(4)]
    for partner, units in zip(partners, [50, 30, 30, 10], strict=True):
        services.challenge_score_declaration(
            declaration=declaration_with_lines(partner, lines=[{"quantity": units}])
        )

    ranks = [leaderboard_rank(challenge=challenge, partner_id=p.pk) for p in partners]
    assert all(r is not None for r in ranks)

    assert [(r["rank"], r["score"], r["gap_to_next"]) for r in ranks if r is not None] == [
        (1, 50, 0),
        (2, 30, 20),
        (2, 30, 20),
        (4, 10, 20),
    ]


def test_reading_a_rank_is_three_queries_whatever_the_board_size(brand):
    challenge = running_challenge(brand, per_unit=1)
    partners = [PartnerFactory(brand=brand) for _ in range(30)]
    LeaderboardScore.objects.bulk_create(
        LeaderboardScore(challenge=challenge, partner=p, score=i) for i, p in enumerate(partners)
    )
    leaderboard_rebuild(challenge=challenge)

    with CaptureQueriesContext(connection) as queries:
        rank = leaderboard_rank(challenge=challenge, partner_id=partners[10].pk)

    assert rank == {"rank": 20, "score": 10, "gap_to_next": 1, "segment_id": None}
    assert len(queries) == 3
    assert all("ORDER BY" not in q["sql"] or "LIMIT 1" in q["sql"] for q in queries.captured_queries)


def test_partners_compete_within_their_segment(brand):
    # Partners read the public labels (the internal names stay with the brand).
    big = SegmentFactory(brand=brand, name="Gros comptes", public_label="Big")
    small = SegmentFactory(brand=brand, name="Petits comptes", public_label="Small")
    challenge = running_challenge(brand, per_unit=1)
    challenge.segments.set([big, small])
    since = timezone.make_aware(datetime(2025, 1, 1))
    a, b, c = (PartnerFactory(brand=brand) for _ in range(3))
    for partner, segment in ((a, big), (b, big), (c, small)):
        SegmentMembership.objects.create(segment=segment, partner=partner, valid_from=since)
    for partner, units in ((a, 500), (b, 400), (c, 20)):
        services.challenge_score_declaration(
            declaration=declaration_with_lines(partner, lines=[{"quantity": units}])
        )

    boards = {board["segment_name"]: board for board in partner_boards(challenge=challenge, partner=c)}

    assert boards[None]["rank"]["rank"] == 3
    assert boards["Small"]["rank"] == {"rank": 1, "score": 20, "gap_to_next": 0, "segment_id": small.pk}
    assert boards["Small"]["size"] == 1
    assert [row["is_me"] for row in boards[None]["top"]] == [False, False, True]


def test_rank_from_the_radix_counts_matches_counting_rows(brand):
    """Random score moves (ups, downs, ties, negatives, big jumps): the rank always equals 1 + rows above."""

    rng = random.Random(3)
    challenge = running_challenge(brand, per_unit=1)
    partners = [PartnerFactory(brand=brand) for _ in range(25)]
    for _ in range(300):
        partner = rng.choice(partners)
        delta = rng.choice(
            [rng.randint(-300, 300), rng.randint(-5, 5), rng.randint(1, 10**9), 256, -256, 65536]
        )
        leaderboard_score_add(challenge=challenge, partner_id=partner.pk, delta=delta or 1)
    scores = dict(LeaderboardScore.objects.filter(challenge=challenge).values_list("partner_id", "score"))
    for partner_id, score in scores.items():
        expected = 1 + sum(1 for s in scores.values() if s > score)
        rank = leaderboard_rank(challenge=challenge, partner_id=partner_id)
        assert rank is not None and rank["rank"] == expected

    leaderboard_rebuild(challenge=challenge)
    for partner_id, score in scores.items():
        expected = 1 + sum(1 for s in scores.values() if s > score)
        rank = leaderboard_rank(challenge=challenge, partner_id=partner_id)
        assert rank is not None and rank["rank"] == expected


def test_board_size_comes_from_the_counts(brand):
    challenge = running_challenge(brand, per_unit=1)
    for units in (3, 3, 9):
        services.challenge_score_declaration(
            declaration=declaration_with_lines(PartnerFactory(brand=brand), lines=[{"quantity": units}])
        )

    assert (
        leaderboard_size(challenge=challenge)
        == 3
        == LeaderboardScore.objects.filter(challenge=challenge).count()
    )
