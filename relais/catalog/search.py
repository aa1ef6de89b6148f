"""Product search: words in any order, accents folded, small typos forgiven — one entry, two backends.

SQLite: the FTS5 table ``catalog_product_fts`` (``unicode61 remove_diacritics 2``, kept in step with
``catalog_product`` by triggers, see migration 0003). Each query word is a prefix term; a word that prefixes
no indexed term is replaced by the indexed terms within a small edit distance (read from the fts5vocab
table), so "perceuze" searches "perceuse". PostgreSQL: each word must be a substring of, or word-similar
(pg_trgm ``<%``, threshold 0.6) to, the unaccented lower-cased name and family, served by a GIN trigram
index on that expression; results rank by summed word similarity.

The query is normalised the same way on both (NFKD, combining marks dropped, case folded), so "PERCÉUSE"
and "perceuse" are one query. A query of digits only is a GTIN look-up (an EAN-13 or UPC-12 finds its
GTIN-14), as on the catalogue page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from django.db import connection
from django.db.models import Q

from relais.catalog.models import Product
from relais.core.models import Brand

MIN_QUERY_LENGTH = 2
MAX_WORDS = 6
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower-case, accents removed: the form both backends compare."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def query_words(query: str) -> list[str]:
    return _WORD.findall(normalise(query))[:MAX_WORDS]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent transpositions, giving up (returning ``limit + 1``) past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def typo_budget(word: str) -> int:
    """How many edits a word may carry: none under 4 letters, one up to 5, two beyond."""
    if len(word) < 4:
        return 0
    return 1 if len(word) <= 5 else 2


def close_terms(word: str, vocabulary: Sequence[str], max_terms: int = 8) -> list[str]:
    """Indexed terms within the word's typo budget, whole or as a prefix (a word still being typed)."""
    budget = typo_budget(word)
    if not budget:
        return []
    scored: list[tuple[int, str]] = []
    for term in vocabulary:
        if len(term) < len(word) - budget:
            continue
        distance = min(
            edit_distance(word, term, budget),
            edit_distance(word, term[: len(word)], budget) if len(term) > len(word) else budget + 1,
        )
        if distance <= budget:
            scored.append((distance, term))
    scored.sort()
    return [term for _, term in scored[:max_terms]]


def _gtin_condition(query: str) -> Q | None:
    digits = re.sub(r"[\s-]", "", query)
    if not digits.isdigit():
        return None
    condition = Q(gtin__contains=digits)
    if len(digits) < 14:
        condition |= Q(gtin=digits.zfill(14))
    return condition


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _sqlite_ids(*, brand: Brand, words: list[str], limit: int, active_only: bool) -> list[int]:
    with connection.cursor() as cursor:
        clauses = []
        for word in words:
            cursor.execute(
                "SELECT 1 FROM catalog_product_fts_vocab WHERE term >= %s AND term < %s LIMIT 1",
                [word, word + "\U0010ffff"],
            )
            if cursor.fetchone():
                clauses.append(_fts_quote(word) + "*")
                continue
            budget = typo_budget(word)
            cursor.execute(
                "SELECT term FROM catalog_product_fts_vocab WHERE length(term) >= %s",
                [len(word) - budget],
            )
            alternatives = close_terms(word, [row[0] for row in cursor.fetchall()])
            if not alternatives:
                return []  # a word found nowhere, even with a typo: no product holds every word
            clauses.append("(" + " OR ".join(_fts_quote(t) for t in alternatives) + ")")
        cursor.execute(
            "SELECT p.id FROM catalog_product_fts f JOIN catalog_product p ON p.id = f.rowid "
            "WHERE catalog_product_fts MATCH %s AND p.brand_id = %s AND (p.is_active OR %s) "
            "ORDER BY bm25(catalog_product_fts), p.name LIMIT %s",
            [" AND ".join(clauses), brand.pk, not active_only, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _postgres_ids(*, brand: Brand, words: list[str], limit: int, active_only: bool) -> list[int]:
    text = "catalog_search_text(p.name || ' ' || p.family)"
    conditions = " AND ".join(
        f"({text} LIKE '%%' || catalog_search_text(%s) || '%%' OR catalog_search_text(%s) <%% {text})"
        for _ in words
    )
    score = " + ".join(f"word_similarity(catalog_search_text(%s), {text})" for _ in words)
    active = "AND p.is_active" if active_only else ""
    params: list[str | int] = [*words]  # the score's words
    params += [brand.pk]
    for word in words:
        params += [word, word]
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, {score} AS score FROM catalog_product p "  # noqa: S608 (no user text)
            f"WHERE p.brand_id = %s {active} AND {conditions} "
            "ORDER BY score DESC, p.name LIMIT %s",
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def search_ids(*, brand: Brand, query: str, limit: int, active_only: bool) -> list[int]:
    """Ids of the brand's products matching every word of ``query``, best first."""
    words = query_words(query)
    if not words:
        return []
    run = _postgres_ids if connection.vendor == "postgresql" else _sqlite_ids
    return run(brand=brand, words=words, limit=limit, active_only=active_only)


def product_search(*, brand: Brand, query: str, limit: int = 10, active_only: bool = False) -> list[Product]:
    """The brand's products for a search box: a GTIN (or its digits) or words in any order, accents and
    small typos forgiven, best match first; nothing under two characters."""
    query = query.strip()
    if len(query) < MIN_QUERY_LENGTH:
        return []
    base = Product.objects.filter(brand=brand)
    if active_only:
        base = base.filter(is_active=True)
    gtin = _gtin_condition(query)
    if gtin is not None:
        return list(base.filter(gtin).order_by("name", "pk")[:limit])
    ids = search_ids(brand=brand, query=query, limit=limit, active_only=active_only)
    by_id = {p.pk: p for p in base.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]
