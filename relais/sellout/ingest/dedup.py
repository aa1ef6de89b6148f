"""The one rule that says whether a sell-out line is already known (see docs/sellout.md).

key = sale date as YYYYMMDD + the first 24 hex digits of
      sha256("v1|partner|invoice_ref normalised|GTIN-14|sale date|quantity|occurrence")

The key leads with the sale date so that the unique (brand, key) index is ordered by date: a file import
writes its lines in key order (``store.Staging``), and the index, like the date indexes, then grows at a few
places instead of at random all over (docs/performance.md). 96 bits of hash within one brand and one day of
sales put a collision out of reach.

- the invoice reference is normalised (upper case, letters and digits only) and is empty when the file
  has none, which gives the rule "partner, sale date, GTIN, quantity, occurrence";
- the occurrence is the index of the line among identical lines (same components) of the same import or
  batch, so two identical lines in one file are two sales, while the same file arriving again (in another
  layout, or through the API) yields the same keys and is recognised as duplicates.

Every path (file, web form, API, EDIFACT, demo) goes through ``with_dedup_keys``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl

KEY_VERSION = "v1"  # of the hashed text; the date prefix came with migration sellout 0004
# 8 date digits + 24 hex digits (96 bits) of the sha256: the unique index, which every insert updates,
# stays half the size of a full hex digest.
HASH_LENGTH = 24
KEY_LENGTH = 8 + HASH_LENGTH


def key_of(*, sale_date: dt.date, hashed_text: str) -> str:
    """One key from its parts (the row-by-row baseline of the benchmark; batches use ``with_dedup_keys``)."""
    digest = hashlib.sha256(hashed_text.encode()).hexdigest()[:HASH_LENGTH]
    return sale_date.strftime("%Y%m%d") + digest


def invoice_ref_expr(raw: pl.Expr) -> pl.Expr:
    return raw.fill_null("").str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "")


class Occurrences:
    """Identical lines seen so far in one import, carried across its batches.

    Kept as one sorted column of 64-bit hashes of the key components (8 bytes a line: 32 MB at four million
    lines); the lines of a new batch are counted in it with a binary search. The hash only counts
    occurrences within this import, so its seed and version do not matter beyond the run.
    """

    def __init__(self) -> None:
        self.seen = pl.Series("_h", [], dtype=pl.UInt64)

    def seed(self, base: pl.Series) -> None:
        """Count lines already declared (``key_bases`` of them) as earlier occurrences."""
        if base.len():
            seeded = base.hash(seed=7).alias("_h").sort().to_frame()
            self.seen = self.seen.to_frame().merge_sorted(seeded, key="_h").to_series()

    def number(self, base: pl.Series) -> pl.Series:
        """Occurrence index (0, 1, 2...) of each line among identical ones, this batch and earlier ones."""
        hashes = base.hash(seed=7).alias("_h")
        # Worked in hash order: the index within each run of equal hashes (a run starts where the hash
        # changes; sorted by (hash, row) so row order breaks ties), plus how many were seen in earlier
        # batches — looked up with sorted queries, which walk the seen column in order instead of jumping
        # around it (the lookups of the fortieth batch of a 4M-line file went from ~190 ms to ~20 ms).
        position = pl.int_range(pl.len(), dtype=pl.Int64)
        ordered = pl.DataFrame(
            {"_h": hashes, "_r": pl.int_range(len(hashes), dtype=pl.Int64, eager=True)}
        ).sort(["_h", "_r"])
        ordered = ordered.with_columns(
            (
                position
                - pl.when(pl.col("_h") != pl.col("_h").shift(1))
                .then(position)
                .otherwise(None)
                .forward_fill()
                .fill_null(0)
            ).alias("_occ")
        )
        if self.seen.len():
            sorted_hashes = ordered["_h"]
            before = self.seen.search_sorted(sorted_hashes, side="right").cast(
                pl.Int64
            ) - self.seen.search_sorted(sorted_hashes, side="left").cast(pl.Int64)
            ordered = ordered.with_columns((pl.col("_occ") + before).alias("_occ"))
        # Merge, not concat-and-sort: linear in what was seen.
        self.seen = self.seen.to_frame().merge_sorted(ordered.select("_h"), key="_h").to_series()
        return ordered.sort("_r")["_occ"]


def key_bases(lines: pl.DataFrame, *, partner_id: int) -> pl.Series:
    """The key of each line without its occurrence: what makes two lines the same sale."""
    return lines.select(
        pl.concat_str(
            [
                pl.lit(f"{KEY_VERSION}|{partner_id}"),
                invoice_ref_expr(pl.col("invoice_ref")),
                pl.col("gtin"),
                pl.col("sale_date").cast(pl.String),
                pl.col("quantity").cast(pl.String),
            ],
            separator="|",
        ).alias("base")
    )["base"]


def with_dedup_keys(
    lines: pl.DataFrame, *, partner_id: int, occurrences: Occurrences | None = None
) -> pl.DataFrame:
    """Add ``dedup_key`` to typed lines (gtin, sale_date, quantity, invoice_ref)."""
    if lines.height == 0:
        return lines.with_columns(pl.lit("").alias("dedup_key"))
    base = key_bases(lines, partner_id=partner_id)
    occurrence = (occurrences or Occurrences()).number(base)
    full = base + "|" + occurrence.cast(pl.String)
    sha256 = hashlib.sha256
    digests = pl.Series([sha256(text.encode()).hexdigest()[:HASH_LENGTH] for text in full.to_list()])
    keys = lines["sale_date"].dt.strftime("%Y%m%d") + digests
    return lines.with_columns(keys.alias("dedup_key"))


def dedup_key(
    *,
    partner_id: int,
    gtin: str,
    sale_date: dt.date,
    quantity: int,
    invoice_ref: str = "",
    occurrence: int = 0,
) -> str:
    """The key of one line, through the same code path as the batches (for tests and one-off checks)."""
    frame = pl.DataFrame(
        {"gtin": [gtin], "sale_date": [sale_date], "quantity": [quantity], "invoice_ref": [invoice_ref]},
        schema={"gtin": pl.String, "sale_date": pl.Date, "quantity": pl.Int64, "invoice_ref": pl.String},
    )
    occurrences = Occurrences()
    if occurrence:
        frame = pl.concat([frame] * (occurrence + 1))
    return with_dedup_keys(frame, partner_id=partner_id, occurrences=occurrences)["dedup_key"][-1]
