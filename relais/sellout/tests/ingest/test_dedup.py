from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import Counter
from typing import Any

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from relais.sellout.ingest.dedup import Occurrences, dedup_key, key_of, with_dedup_keys


def lines(*rows):
    return pl.DataFrame(
        [{"gtin": g, "sale_date": d, "quantity": q, "invoice_ref": i} for g, d, q, i in rows],
        schema={"gtin": pl.String, "sale_date": pl.Date, "quantity": pl.Int64, "invoice_ref": pl.String},
    )


DAY = dt.date(2026, 10, 3)


def test_invoice_reference_is_normalised():
    a = dedup_key(partner_id=1, gtin="03761230000013", sale_date=DAY, quantity=2, invoice_ref="FA-0012")
    b = dedup_key(partner_id=1, gtin="03761230000013", sale_date=DAY, quantity=2, invoice_ref=" fa 0012")
    c = dedup_key(partner_id=1, gtin="03761230000013", sale_date=DAY, quantity=2, invoice_ref="FA-12")
    assert a == b != c
    assert len(a) == 32


def test_the_key_leads_with_the_sale_date_then_the_hash_of_the_rule():
    key = dedup_key(partner_id=1, gtin="03761230000013", sale_date=DAY, quantity=2, invoice_ref="FA-0012")
    text = "v1|1|FA0012|03761230000013|2026-10-03|2|0"
    assert key == "20261003" + hashlib.sha256(text.encode()).hexdigest()[:24]
    assert key == key_of(sale_date=DAY, hashed_text=text)


def test_every_component_matters():
    base: dict[str, Any] = {"partner_id": 1, "gtin": "03761230000013", "sale_date": DAY, "quantity": 2}
    key = dedup_key(**base)
    assert key != dedup_key(**{**base, "partner_id": 2})
    assert key != dedup_key(**{**base, "gtin": "03761230000020"})
    assert key != dedup_key(**{**base, "sale_date": DAY + dt.timedelta(days=1)})
    assert key != dedup_key(**{**base, "quantity": -2})
    assert key != dedup_key(**base, occurrence=1)


def test_identical_lines_are_numbered_across_batches():
    same = ("03761230000013", DAY, 1, "")
    occurrences = Occurrences()
    first = with_dedup_keys(lines(same, same), partner_id=1, occurrences=occurrences)["dedup_key"].to_list()
    second = with_dedup_keys(
        lines(same, ("03761230000020", DAY, 1, "")), partner_id=1, occurrences=occurrences
    )
    keys = [*first, *second["dedup_key"].to_list()]
    assert len(set(keys)) == 4
    assert keys[2] == dedup_key(partner_id=1, gtin="03761230000013", sale_date=DAY, quantity=1, occurrence=2)
    # The same lines in one batch give the same keys as in two batches.
    whole = with_dedup_keys(lines(same, same, same), partner_id=1)["dedup_key"].to_list()
    assert whole == keys[:3]


@given(
    bases=st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=60),
    cuts=st.lists(st.integers(0, 60), max_size=6),
)
def test_occurrences_count_identical_lines_across_any_batches(bases, cuts):
    bounds = sorted({0, len(bases), *(c for c in cuts if c <= len(bases))})
    occurrences = Occurrences()
    got: list[int] = []
    for start, stop in itertools.pairwise(bounds):
        got += occurrences.number(pl.Series("base", bases[start:stop], dtype=pl.String)).to_list()

    seen: Counter[str] = Counter()
    expected = []
    for base in bases:
        expected.append(seen[base])
        seen[base] += 1
    assert got == expected
