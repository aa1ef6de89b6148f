"""The anomaly checks of a batch of checked lines, run by the ingest engine for every door.

Each check compares with robust statistics on log scale (median and MAD of the history's months), so a
partner's usual seasonality and growth stay within bounds:

- a line's quantity and amount against the largest line of a usual month: the partner's own for the
  product, else for the product family, else that of comparable partners (same kind and size);
- the partner's month against its usual month, and each week against its usual week;
- the same line twice in one file or call (same invoice, product, quantity, price and date): the first
  stays, the next are "possible duplicate in the file" — both stored, the copy counts only once approved.

A flagged line is stored with the codes and figures of what was found (``DeclarationLine.anomalies``);
flagged lines count nowhere until the brand approves them (docs/sellout.md).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from typing import Any

import polars as pl

from relais.network.models import PartnerCompany
from relais.sellout.anomalies import reasons
from relais.sellout.anomalies.history import (
    history_groups,
    history_merge,
    history_read,
    history_write,
    month_of,
    peers_of,
)
from relais.sellout.anomalies.thresholds import (
    CHALLENGE_END_DAYS,
    CHALLENGE_END_RATIO,
    CHALLENGE_END_Z,
    Thresholds,
)
from relais.sellout.anomalies.windows import ChallengeWindow

FLAGGED = "flagged"
DAYS_PER_MONTH = 30.44
HISTORY_MONTHS = 24
_REF = ["n", "med", "mad"]


def _robust(frame: pl.DataFrame, by: str, value: str, *, count: str | None = None) -> pl.DataFrame:
    """Per ``by``: how many positive values (or distinct ``count``), their median and MAD on log scale."""
    logs = frame.filter(pl.col(value) > 0).with_columns(pl.col(value).cast(pl.Float64).log().alias("_l"))
    return logs.group_by(by).agg(
        (pl.col(count).n_unique() if count else pl.len()).cast(pl.Int64).alias("n"),
        pl.col("_l").median().alias("med"),
        (pl.col("_l") - pl.col("_l").median()).abs().median().alias("mad"),
    )


def _usual_month(units: dict[dt.date, int], month: dt.date, median: float) -> float:
    """The usual volume of ``month``: the largest of the history's median, the median of the three months
    before and the same month a year before (growth and seasonality are usual, not anomalies)."""
    previous = []
    cursor = month
    for _i in range(3):
        cursor = (cursor - dt.timedelta(days=1)).replace(day=1)
        previous.append(units.get(cursor, 0))
    last_year = units.get(month.replace(year=month.year - 1), 0)
    return max(median, sorted(previous)[1], last_year)


def _line_size(own: pl.DataFrame) -> float:
    """The partner's mean units per line over its history (1 without one)."""
    lines = own["lines"].sum() if own.height else 0
    return max(1.0, float(own["units"].sum()) / float(lines)) if lines else 1.0


class AnomalyChecks:
    """The checks of one import or declaration: history read once, duplicates followed across batches."""

    def __init__(
        self,
        *,
        partner: PartnerCompany,
        thresholds: Thresholds,
        families: dict[int, str],
        today: dt.date,
        list_prices: dict[int, float] | None = None,
        windows: Sequence[ChallengeWindow] = (),
    ) -> None:
        """``list_prices`` (product id -> list price) words the price check's flags; ``windows`` are the
        running challenges of the partner (``windows.challenge_windows_given``, from the follow-ups)."""
        self.partner = partner
        self.list_prices = list_prices or {}
        self.windows = tuple(windows)
        self.t = thresholds
        self.families = families
        since = today.replace(day=1)
        for _month in range(HISTORY_MONTHS):
            since = (since - dt.timedelta(days=1)).replace(day=1)
        self.since = since
        self._own: pl.DataFrame | None = None
        self._peers: pl.DataFrame | None = None
        self._peer_ids: list[int] | None = None
        self._peer_products: set[int] = set()
        self.peer_since = (today - dt.timedelta(days=365)).replace(day=1)
        self.month_units: dict[dt.date, int] = {}
        self.day_units: dict[dt.date, int] = {}
        self.seen = pl.DataFrame(schema={"_fp": pl.UInt64, "_first": pl.Int64})
        self._pending: list[pl.DataFrame] = []
        self._line_size = 1.0

    # --- reading ------------------------------------------------------------------------------------------

    def own(self) -> pl.DataFrame:
        if self._own is None:
            self._own = history_read(partner_ids=[self.partner.pk], since=self.since)
        return self._own

    def peers(self, product_ids: list[int]) -> pl.DataFrame:
        """Comparable partners' history of these products (read once per product in an import)."""
        if self._peer_ids is None:
            self._peer_ids = peers_of(self.partner)
        new = [p for p in product_ids if p not in self._peer_products]
        if new and self._peer_ids:
            read = history_read(partner_ids=self._peer_ids, product_ids=new, since=self.peer_since)
            self._peers = pl.concat([self._peers, read]) if self._peers is not None else read
        self._peer_products.update(new)
        if self._peers is None:
            return self.own().clear()
        return self._peers.filter(pl.col("product_id").is_in(product_ids))

    # --- the checks ---------------------------------------------------------------------------------------

    def check(self, lines: pl.DataFrame) -> pl.DataFrame:
        """The lines with ``anomalies`` (JSON text of ``[{"code": ..., figures}]``), flagged where something
        was found. The price check's flags (``validate``) get their code here too, whatever the thresholds."""
        found: dict[int, list[dict[str, Any]]] = {}
        for row, item in self._prices(lines):
            found.setdefault(row, []).append(item)
        if self.t.enabled and lines.height:
            for row, item in self._anomalies(lines):
                found.setdefault(row, []).append(item)
        if not found:
            return lines.with_columns(pl.lit("[]").alias("anomalies"))
        texts = {row: json.dumps(items) for row, items in found.items()}
        hit = pl.col("source_row").is_in(list(found))
        return lines.with_columns(
            pl.col("source_row")
            .replace_strict(texts, default="[]", return_dtype=pl.String)
            .alias("anomalies"),
            pl.when(hit).then(pl.lit(FLAGGED)).otherwise(pl.col("status")).alias("status"),
        )

    def _anomalies(self, lines: pl.DataFrame) -> list[tuple[int, dict[str, Any]]]:
        lines = lines.with_columns(
            pl.col("product_id")
            .replace_strict(self.families, default="", return_dtype=pl.String)
            .alias("_family"),
            month_of().alias("_month"),
        )
        batch_months = lines["_month"].unique().to_list()
        own = self.own().filter(~pl.col("month").is_in(batch_months))
        found = [
            *self._line_sizes(lines, own, "quantity", "max_quantity", reasons.QUANTITY_HIGH),
            *self._line_sizes(lines, own, "amount", "max_amount", reasons.AMOUNT_HIGH),
            *self._duplicates(lines),
        ]
        # Volumes over the lines nothing else flagged: one huge line must not flag its whole month.
        seen = {row for row, _item in found}
        ordinary = lines.filter(~pl.col("source_row").is_in(list(seen)) & (pl.col("status") != FLAGGED))
        return found + self._volumes(ordinary, own)

    def _prices(self, lines: pl.DataFrame) -> list[tuple[int, dict[str, Any]]]:
        """The code of the lines the price check flagged (a unit price far from the list price)."""
        if not self.list_prices or lines.height == 0 or "flag_reason" not in lines.columns:
            return []
        priced = lines.filter((pl.col("status") == FLAGGED) & (pl.col("flag_reason") != "")).select(
            "source_row",
            pl.col("product_id")
            .replace_strict(self.list_prices, default=None, return_dtype=pl.Float64)
            .alias("_list"),
            pl.when(pl.col("unit_price").is_not_null())
            .then(pl.col("unit_price").cast(pl.Float64))
            .otherwise(pl.col("amount").cast(pl.Float64) / pl.col("quantity").cast(pl.Float64))
            .abs()
            .alias("_price"),
        )
        return [
            (
                row,
                {
                    "code": reasons.PRICE_IMPLAUSIBLE,
                    "unit_price": round(price, 2),
                    "percent": round(price / list_price * 100),
                    "list_price": round(list_price, 2),
                },
            )
            for row, list_price, price in priced.drop_nulls().iter_rows()
            if list_price > 0
        ]

    def record(self, stored: pl.DataFrame) -> None:
        """Keep the batch's accepted lines for the history (flagged lines wait for the brand's review).

        Held as one delta per (product, month) and written once by ``flush``: this import's own volumes are
        followed in memory (``month_units``, ``day_units``), so no batch needs the earlier ones in the table.
        """
        accepted = stored.filter(pl.col("status") == "accepted")
        if accepted.height:
            self._pending.append(history_groups(accepted))
            if len(self._pending) > 1:
                self._pending = [history_merge(self._pending)]

    def flush(self) -> None:
        """Write what ``record`` kept into the history: one upsert of the import's delta."""
        if self._pending:
            delta = history_merge(self._pending)
            self._pending = []
            history_write(delta, brand_id=self.partner.brand_id, partner_id=self.partner.pk)

    def _references(self, lines: pl.DataFrame, own: pl.DataFrame, value: str) -> pl.DataFrame:
        """Per line: the reference to compare with (own product, own family, comparable partners)."""
        t = self.t
        by_product = _robust(own, "product_id", value).filter(pl.col("n") >= t.min_history_months)
        family_months = (
            own.with_columns(
                pl.col("product_id")
                .replace_strict(self.families, default="", return_dtype=pl.String)
                .alias("_family")
            )
            .filter(pl.col("_family") != "")
            .group_by("_family", "month")
            .agg(pl.col(value).max())
        )
        by_family = _robust(family_months, "_family", value).filter(pl.col("n") >= t.min_history_months)
        refs = lines.select("source_row", "product_id", "_family").join(
            by_product.rename({c: f"p_{c}" for c in _REF}), on="product_id", how="left"
        )
        refs = refs.join(by_family.rename({c: f"f_{c}" for c in _REF}), on="_family", how="left")
        missing = refs.filter(pl.col("p_med").is_null() & pl.col("f_med").is_null())["product_id"].unique()
        if missing.len():
            peers = self.peers(missing.to_list())
            by_peers = _robust(peers, "product_id", value, count="partner_id").filter(
                pl.col("n") >= t.min_peers
            )
        else:
            by_peers = pl.DataFrame(
                schema={"product_id": pl.Int64, "n": pl.Int64, "med": pl.Float64, "mad": pl.Float64}
            )
        refs = refs.join(by_peers.rename({c: f"q_{c}" for c in _REF}), on="product_id", how="left")
        pick = {
            "med": pl.coalesce("p_med", "f_med", "q_med"),
            "mad": pl.coalesce("p_mad", "f_mad", "q_mad"),
            "basis": pl.when(pl.col("p_med").is_not_null())
            .then(pl.lit("own"))
            .when(pl.col("f_med").is_not_null())
            .then(pl.lit("family"))
            .otherwise(pl.lit("peers")),
        }
        return refs.select("source_row", *(e.alias(k) for k, e in pick.items())).drop_nulls("med")

    def _line_sizes(
        self, lines: pl.DataFrame, own: pl.DataFrame, column: str, value: str, code: str
    ) -> list[tuple[int, dict[str, Any]]]:
        positive = lines.filter(pl.col("quantity") > 0)
        if positive.height == 0:
            return []
        refs = self._references(positive, own, value)
        t = self.t
        figures = positive.select("source_row", pl.col(column).cast(pl.Float64).alias("_x"), "quantity").join(
            refs, on="source_row"
        )
        limit = pl.col("med") + pl.max_horizontal(
            pl.lit(math.log(t.line_ratio)),
            t.robust_z * 1.4826 * pl.max_horizontal(pl.col("mad"), pl.lit(0.1)),
        )
        usual = pl.col("med").exp()
        excess = pl.col("quantity") - pl.col("quantity") * usual / pl.col("_x")
        hits = figures.filter((pl.col("_x").log() > limit) & (excess >= t.min_excess_units))
        out = []
        for row, x, med, basis in hits.select("source_row", "_x", "med", "basis").iter_rows():
            usual_value = math.exp(med)
            shown: Any = int(x) if column == "quantity" else round(x, 2)
            out.append(
                (
                    row,
                    {
                        "code": code,
                        column: shown,
                        "usual": round(usual_value) if column == "quantity" else round(usual_value, 2),
                        "times": round(x / usual_value, 1),
                        "basis": basis,
                    },
                )
            )
        return out

    def _volumes(self, lines: pl.DataFrame, own: pl.DataFrame) -> list[tuple[int, dict[str, Any]]]:
        """The partner's month and week volumes (this import so far, plus what was stored before)."""
        months = own.group_by("month").agg(pl.col("units").sum())
        stats = _robust(months.with_columns(pl.lit(1).alias("_all")), "_all", "units")
        positive = lines.filter(pl.col("quantity") > 0)
        for key, store in (("_month", self.month_units), ("sale_date", self.day_units)):
            for period, units in positive.group_by(key).agg(pl.col("quantity").sum()).iter_rows():
                store[period] = store.get(period, 0) + int(units)
        if stats.height == 0 or stats["n"][0] < self.t.min_history_months:
            return []
        med, mad = float(stats["med"][0]), float(stats["mad"][0])
        by_month = {m: int(u) for m, u in months.iter_rows()}
        before = dict(self.own().group_by("month").agg(pl.col("units").sum()).iter_rows())
        out: list[tuple[int, dict[str, Any]]] = []
        t = self.t
        batch_months = positive["_month"].unique().to_list()
        usual_of = {month: _usual_month(by_month, month, math.exp(med)) for month in batch_months}
        for month in batch_months:
            usual_month = usual_of[month]
            total = self.month_units[month] + int(before.get(month, 0))
            limit = t.limit_log(med, mad, t.month_ratio)
            if math.log(total) > limit and total - usual_month >= t.min_excess_units:
                item = {
                    "code": reasons.MONTH_VOLUME,
                    "units": total,
                    "month": month.isoformat(),
                    "usual": round(usual_month),
                    "times": round(total / usual_month, 1),
                }
                out += [(row, item) for row in positive.filter(pl.col("_month") == month)["source_row"]]
        self._line_size = _line_size(own)
        return out + self._weeks(positive, usual_of, mad) + self._challenge_ends(positive, usual_of)

    def _noise(self, usual: float, z: float) -> float:
        """The excess over ``usual`` units that a few days' ordinary lumpiness reaches: ``z`` standard
        deviations of a compound Poisson count (Var = usual × the partner's mean units per line). A small
        B2B partner selling 6 to 12 units a line over 20 units a week doubles a week by chance; a retailer
        selling 2 a line over 100 a week does not."""
        return max(float(self.t.min_excess_units), z * math.sqrt(max(usual, 1.0) * self._line_size))

    def _challenge_ends(
        self, positive: pl.DataFrame, usual_of: dict[dt.date, float]
    ) -> list[tuple[int, dict[str, Any]]]:
        """The last days of each running challenge (this import so far) against the usual days, at the
        stricter ``CHALLENGE_END_RATIO``: their lines are flagged."""
        if not self.windows or positive.height == 0 or not usual_of:
            return []
        low, high = positive["sale_date"].min(), positive["sale_date"].max()
        assert isinstance(low, dt.date) and isinstance(high, dt.date)
        fallback = max(usual_of.values())
        out: list[tuple[int, dict[str, Any]]] = []
        for window in self.windows:
            first = max(window.start, window.end - dt.timedelta(days=CHALLENGE_END_DAYS - 1))
            if window.end < low or first > high:
                continue
            days = [first + dt.timedelta(days=i) for i in range((window.end - first).days + 1)]
            total = sum(self.day_units.get(day, 0) for day in days)
            usual = sum(usual_of.get(day.replace(day=1), fallback) for day in days) / DAYS_PER_MONTH
            if total <= max(usual, 1.0) * CHALLENGE_END_RATIO or total - usual < self._noise(
                usual, CHALLENGE_END_Z
            ):
                continue
            item = {
                "code": reasons.CHALLENGE_END_VOLUME,
                "units": total,
                "week": first.isoformat(),
                "usual": round(usual),
                "times": round(total / max(usual, 1.0), 1),
                "challenge": window.name,
            }
            rows = positive.filter(pl.col("sale_date").is_between(first, window.end))["source_row"]
            out += [(row, item) for row in rows]
        return out

    def _weeks(
        self, positive: pl.DataFrame, usual_of: dict[dt.date, float], mad: float
    ) -> list[tuple[int, dict[str, Any]]]:
        """Any seven days running (this import so far) above the usual week: their lines are flagged."""
        t = self.t
        if positive.height == 0:
            return []
        spread = max(math.log(t.week_ratio), t.robust_z / 2 * 1.4826 * max(mad, 0.1))
        low, high = positive["sale_date"].min(), positive["sale_date"].max()
        assert isinstance(low, dt.date) and isinstance(high, dt.date)
        hot: dict[dt.date, dict[str, Any]] = {}
        end = low
        while end <= high + dt.timedelta(days=6):
            days = [end - dt.timedelta(days=i) for i in range(7)]
            total = sum(self.day_units.get(day, 0) for day in days)
            usual_week = max(usual_of.get(day.replace(day=1), 0.0) for day in days) * 7 / DAYS_PER_MONTH
            limit = math.log(max(usual_week, 1.0)) + spread
            if (
                total > 0
                and math.log(total) > limit
                and total - usual_week >= self._noise(usual_week, t.robust_z)
            ):
                item = {
                    "code": reasons.WEEK_VOLUME,
                    "units": total,
                    "week": days[-1].isoformat(),
                    "usual": round(usual_week),
                    "times": round(total / usual_week, 1),
                }
                for day in days:
                    hot.setdefault(day, item)
            end += dt.timedelta(days=1)
        if not hot:
            return []
        rows = positive.filter(pl.col("sale_date").is_in(list(hot))).select("source_row", "sale_date")
        return [(row, hot[day]) for row, day in rows.iter_rows()]

    def _duplicates(self, lines: pl.DataFrame) -> list[tuple[int, dict[str, Any]]]:
        """Lines identical to an earlier one of the same file or call, invoice included (none without one)."""
        if not self.t.duplicates_in_file:
            return []
        invoice = pl.col("invoice_ref").fill_null("").str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "")
        frame = lines.filter(invoice != "").select(
            "source_row",
            pl.concat_str(
                [
                    invoice,
                    pl.col("gtin"),
                    pl.col("quantity").cast(pl.String),
                    pl.col("unit_price").cast(pl.String).fill_null(""),
                    pl.col("amount").cast(pl.String),
                    pl.col("sale_date").cast(pl.String),
                ],
                separator="|",
            )
            .hash(seed=11)
            .alias("_fp"),
        )
        if frame.height == 0:
            return []
        first = frame.group_by("_fp").agg(pl.col("source_row").min().alias("_batch_first"))
        first = first.join(self.seen, on="_fp", how="left").with_columns(
            pl.coalesce("_first", "_batch_first").alias("_first")
        )
        self.seen = pl.concat(
            [self.seen, first.filter(pl.col("_batch_first") == pl.col("_first")).select("_fp", "_first")]
        )
        copies = frame.join(first.select("_fp", "_first"), on="_fp").filter(
            pl.col("source_row") != pl.col("_first")
        )
        return [
            (row, {"code": reasons.DUPLICATE_IN_FILE, "row": first_row})
            for row, first_row in copies.select("source_row", "_first").iter_rows()
        ]
