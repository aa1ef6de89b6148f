"""The radix tree of counts behind leaderboard ranks (``LeaderboardCount``).

Scores are shifted by ``OFFSET`` (so a negative score still has a place) and cut into ``LEVELS`` digits of
``BITS`` bits. At level ``l`` a partner counts under the prefix ``key >> (BITS * l)``. The number of scores
above ``key`` is, for each level, the sum of the counts of the prefixes that share ``key``'s parent and are
greater than ``key``'s own prefix (at most 255 rows per level), plus, at the top level, every greater prefix.
So a rank read touches a bounded number of index entries whatever the number of partners.
"""

from __future__ import annotations

from collections import Counter

from django.db import connection
from django.db.models import F, QuerySet, Sum

from relais.incentives.models import LeaderboardCount

BITS = 8
LEVELS = 6
OFFSET = 1 << (BITS * (LEVELS - 1) + BITS - 1)  # scores from -2^47 to 2^47 - 1


def _prefixes(score: int) -> list[int]:
    key = score + OFFSET
    return [key >> (BITS * level) for level in range(LEVELS)]


def _board(challenge_id: int, segment_id: int | None) -> QuerySet[LeaderboardCount]:
    qs = LeaderboardCount.objects.filter(challenge_id=challenge_id)
    return qs.filter(segment_id=segment_id) if segment_id is not None else qs.filter(segment__isnull=True)


def counts_move(*, challenge_id: int, segment_id: int | None, old: int | None, new: int) -> None:
    """A partner's score went from ``old`` (None: it had none) to ``new``: move its counts (lock held)."""
    new_prefixes = _prefixes(new)
    old_prefixes = _prefixes(old) if old is not None else [None] * LEVELS
    board = _board(challenge_id, segment_id)
    for level, (before, after) in enumerate(zip(old_prefixes, new_prefixes, strict=True)):
        if before == after:
            continue
        if before is not None:
            board.filter(level=level, prefix=before).update(n=F("n") - 1)
        if not board.filter(level=level, prefix=after).update(n=F("n") + 1):
            LeaderboardCount.objects.create(
                challenge_id=challenge_id, segment_id=segment_id, level=level, prefix=after, n=1
            )


def count_above(*, challenge_id: int, segment_id: int | None, score: int) -> int:
    """How many partners of the board have a score strictly greater than ``score``.

    One statement, a UNION ALL of one index range per level (not one OR'ed filter, which a planner with stale
    statistics may turn into a scan of the whole board).
    """
    table = LeaderboardCount._meta.db_table
    segment_sql = "segment_id IS NULL" if segment_id is None else "segment_id = %s"
    parts, params = [], []
    for level, prefix in enumerate(_prefixes(score)):
        base = [challenge_id] + ([] if segment_id is None else [segment_id]) + [level, prefix]
        if level == LEVELS - 1:
            parts.append(
                f"SELECT n FROM {table} WHERE challenge_id = %s AND {segment_sql} AND level = %s AND prefix > %s"  # noqa: S608 - table name and fixed SQL only
            )
            params.extend(base)
        else:
            parts.append(
                f"SELECT n FROM {table} WHERE challenge_id = %s AND {segment_sql} AND level = %s "  # noqa: S608 - table name and fixed SQL only
                "AND prefix > %s AND prefix < %s"
            )
            params.extend([*base, ((prefix >> BITS) + 1) << BITS])
    sql = "SELECT COALESCE(SUM(n), 0) FROM (" + " UNION ALL ".join(parts) + ") AS above"  # noqa: S608 - no user input
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def board_size(*, challenge_id: int, segment_id: int | None) -> int:
    """How many partners the board holds: the sum of the top level's few counts."""
    total = _board(challenge_id, segment_id).filter(level=LEVELS - 1).aggregate(total=Sum("n"))["total"]
    return int(total or 0)


def counts_rebuild(*, challenge_id: int, scores: dict[int | None, list[int]]) -> None:
    """Rewrite the counts of a challenge's boards from their scores (``{segment_id: [score, ...]}``)."""
    LeaderboardCount.objects.filter(challenge_id=challenge_id).delete()
    rows: list[LeaderboardCount] = []
    for segment_id, values in scores.items():
        counter: Counter[tuple[int, int]] = Counter()
        for score in values:
            for level, prefix in enumerate(_prefixes(score)):
                counter[(level, prefix)] += 1
        rows.extend(
            LeaderboardCount(
                challenge_id=challenge_id, segment_id=segment_id, level=level, prefix=prefix, n=n
            )
            for (level, prefix), n in counter.items()
        )
    LeaderboardCount.objects.bulk_create(rows, batch_size=5000)
