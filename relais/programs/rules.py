"""Pure rules of channel programs, shared by selectors and services: inheritance, customer metrics over a
frame of lines, upsell and cross-sell, tiers. No database here: the selectors bring the frames.

Customer metrics (``customer_metrics``), over the validated lines carrying a customer reference; a customer
is a (partner, pseudonym) pair, since the reference is the partner's own number:
- *new customers*: bought in the period and never before it (over all the history read);
- *retention (repeat share)*: of the customers who bought in the previous period of the same length, the
  share who bought again in the period;
- *lost customers*: those of the previous period who did not buy in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

INHERITED_KEYS = ("objectives", "assortment", "tiers")
# Comparable partners needed before an upsell suggestion is based on them (tenancy rule: k-anonymity).
MIN_COMPARABLE = 5
# Baskets holding a pair before its lift is shown.
MIN_PAIR_BASKETS = 5
METRICS = (
    "new_customers",
    "repeat_share",
    "lost_customers",
    "units",
    "amount",
    "coverage",
    "on_time_share",
)
# Percent metrics (0-100) and those where lower is better.
PERCENT_METRICS = {"repeat_share", "coverage", "on_time_share"}
LOWER_IS_BETTER = {"lost_customers"}
LINE_SCHEMA = {
    "partner_id": pl.Int64,
    "product_id": pl.Int64,
    "customer_ref": pl.String,
    "invoice_ref": pl.String,
    "sale_date": pl.Date,
    "quantity": pl.Int64,
    "amount": pl.Float64,
}


# --- inheritance -----------------------------------------------------------------------------------------


def effective_content(*, base: dict[str, Any] | None, own: dict[str, Any]) -> dict[str, Any]:
    """What a program applies: each inherited aspect its own when it sets it, else the base's."""
    base = base or {}
    return {key: own[key] if key in own else base.get(key, _empty(key)) for key in INHERITED_KEYS}


def _empty(key: str) -> Any:
    return {"required": [], "recommended": []} if key == "assortment" else []


def overridden_keys(*, base: dict[str, Any] | None, own: dict[str, Any]) -> list[str]:
    """The aspects a program sets and that differ from the base (same value set again is not a difference)."""
    base = base or {}
    return [key for key in INHERITED_KEYS if key in own and own[key] != base.get(key, _empty(key))]


# --- periods ---------------------------------------------------------------------------------------------


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same number of days just before ``start``..``end``."""
    days = (end - start).days + 1
    return start - dt.timedelta(days=days), start - dt.timedelta(days=1)


# --- customer and sell-out metrics ----------------------------------------------------------------------


def empty_lines() -> pl.DataFrame:
    return pl.DataFrame(schema=LINE_SCHEMA)


def customer_metrics(lines: pl.DataFrame, *, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Per partner: new_customers, repeat_share (percent, null without previous customers), lost_customers,
    customers, previous_customers — from lines of the period and before it."""
    prev_start, prev_end = previous_period(start, end)
    known = lines.filter(pl.col("customer_ref") != "").select("partner_id", "customer_ref", "sale_date")
    per_customer = known.group_by("partner_id", "customer_ref").agg(
        pl.col("sale_date").is_between(start, end).any().alias("in_period"),
        (pl.col("sale_date") < start).any().alias("before"),
        pl.col("sale_date").is_between(prev_start, prev_end).any().alias("in_previous"),
    )
    out = per_customer.group_by("partner_id").agg(
        pl.col("in_period").sum().alias("customers"),
        (pl.col("in_period") & ~pl.col("before")).sum().alias("new_customers"),
        pl.col("in_previous").sum().alias("previous_customers"),
        (pl.col("in_previous") & pl.col("in_period")).sum().alias("retained"),
        (pl.col("in_previous") & ~pl.col("in_period")).sum().alias("lost_customers"),
    )
    return out.with_columns(
        pl.when(pl.col("previous_customers") > 0)
        .then(pl.col("retained") * 100.0 / pl.col("previous_customers"))
        .otherwise(None)
        .alias("repeat_share")
    ).sort("partner_id")


def channel_customer_metrics(per_partner: pl.DataFrame) -> dict[str, float | int | None]:
    """The channel as a whole: sums, and the retention of all the previous period's customers."""
    if per_partner.height == 0:
        return {"new_customers": 0, "lost_customers": 0, "repeat_share": None, "customers": 0}
    previous = int(per_partner["previous_customers"].sum())
    retained = int(per_partner["retained"].sum())
    return {
        "new_customers": int(per_partner["new_customers"].sum()),
        "lost_customers": int(per_partner["lost_customers"].sum()),
        "customers": int(per_partner["customers"].sum()),
        "repeat_share": retained * 100.0 / previous if previous else None,
    }


def sellout_by_partner(lines: pl.DataFrame, *, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Per partner: units and amount of the lines dated in the period."""
    return (
        lines.filter(pl.col("sale_date").is_between(start, end))
        .group_by("partner_id")
        .agg(pl.col("quantity").sum().alias("units"), pl.col("amount").sum().alias("amount"))
        .sort("partner_id")
    )


def attainment(value: float | None, target: float | None, *, metric: str) -> float | None:
    """Percent of the target reached (for 'lower is better' metrics, target / value)."""
    if value is None or not target:
        return None
    if metric in LOWER_IS_BETTER:
        return 100.0 if value <= target else target * 100.0 / value
    return value * 100.0 / target


# --- upsell and cross-sell -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    product_id: int
    sellers: int  # comparable partners selling it (at least MIN_COMPARABLE)
    median_amount: float  # what one of them sells of it in the period, the median
    lift: float | None = None  # for a cross-sell: how much likelier in a basket holding ``with_product``
    with_product: int | None = None


def upsell(lines: pl.DataFrame, *, partner_id: int, comparable: list[int]) -> list[Suggestion]:
    """Products that at least ``MIN_COMPARABLE`` comparable partners sell and ``partner_id`` does not, with the
    median amount among those sellers, highest first."""
    others = [p for p in comparable if p != partner_id]
    own = set(lines.filter(pl.col("partner_id") == partner_id)["product_id"].unique().to_list())
    per = (
        lines.filter(pl.col("partner_id").is_in(others))
        .group_by("product_id", "partner_id")
        .agg(pl.col("amount").sum().alias("amount"), pl.col("quantity").sum().alias("units"))
        .filter(pl.col("units") > 0)
        .group_by("product_id")
        .agg(pl.len().alias("sellers"), pl.col("amount").median().alias("median_amount"))
        .filter((pl.col("sellers") >= MIN_COMPARABLE) & ~pl.col("product_id").is_in(list(own)))
        .sort(["median_amount", "product_id"], descending=[True, False])
    )
    return [Suggestion(product_id=r[0], sellers=r[1], median_amount=float(r[2])) for r in per.iter_rows()]


def cross_sell(lines: pl.DataFrame, *, partner_id: int, comparable: list[int]) -> list[Suggestion]:
    """Products often bought with what ``partner_id`` sells (association lift over the baskets of comparable
    partners: a basket is one invoice, or one customer on one day), that it does not sell yet. Only pairs
    seen in ``MIN_PAIR_BASKETS`` baskets from at least ``MIN_COMPARABLE`` partners."""
    others = [p for p in comparable if p != partner_id]
    if len(others) < MIN_COMPARABLE:
        return []
    own = set(lines.filter(pl.col("partner_id") == partner_id)["product_id"].unique().to_list())
    basket_key = (
        pl.when(pl.col("invoice_ref") != "")
        .then(pl.col("invoice_ref"))
        .otherwise(pl.col("customer_ref") + pl.lit("|") + pl.col("sale_date").cast(pl.String))
    )
    items = (
        lines.filter(pl.col("partner_id").is_in(others))
        .filter((pl.col("invoice_ref") != "") | (pl.col("customer_ref") != ""))
        .with_columns(
            pl.concat_str([pl.col("partner_id").cast(pl.String), basket_key], separator="#").alias("b")
        )
        .select("b", "partner_id", "product_id")
        .unique()
    )
    baskets = items["b"].n_unique()
    if baskets == 0:
        return []
    support = items.group_by("product_id").agg(pl.len().alias("n"))
    pairs = (
        items.join(items.select("b", pl.col("product_id").alias("other")), on="b")
        .filter(pl.col("product_id").is_in(list(own)) & ~pl.col("other").is_in(list(own)))
        .group_by("product_id", "other")
        .agg(pl.len().alias("both"), pl.col("partner_id").n_unique().alias("partners"))
        .filter((pl.col("both") >= MIN_PAIR_BASKETS) & (pl.col("partners") >= MIN_COMPARABLE))
        .join(support, on="product_id")
        .join(support.rename({"product_id": "other", "n": "n_other"}), on="other")
        .with_columns((pl.col("both") * baskets / (pl.col("n") * pl.col("n_other"))).alias("lift"))
        .filter(pl.col("lift") > 1)
        .sort(["lift", "other"], descending=[True, False])
        .unique("other", keep="first", maintain_order=True)
    )
    return [
        Suggestion(
            product_id=r["other"],
            sellers=r["partners"],
            median_amount=0.0,
            lift=r["lift"],
            with_product=r["product_id"],
        )
        for r in pairs.iter_rows(named=True)
    ]


# --- tiers -----------------------------------------------------------------------------------------------

# A tier's criteria: minimum validated sell-out amount, objective attainment (percent), data quality
# (percent of lines accepted), training (percent of the partner's people who completed every module assigned
# to them, relais.training). Missing criteria do not count.
TIER_CRITERIA = ("min_amount", "min_attainment", "min_quality", "min_training")
MEASURE_OF = {
    "min_amount": "amount",
    "min_attainment": "attainment",
    "min_quality": "quality",
    "min_training": "training",
}


@dataclass
class TierResult:
    tier: str  # code, empty when no tier is reached
    next_tier: str = ""
    missing: dict[str, float] = field(default_factory=dict)  # measure -> what is still needed for next_tier


def tier_for(tiers: list[dict[str, Any]], measures: dict[str, float]) -> TierResult:
    """The highest tier whose every criterion is met (``>=``), and what the next one still needs.

    ``tiers`` in ascending order, each ``{"code", "name", "min_amount", "min_attainment", "min_quality",
    "benefits"}``.
    """
    reached = ""
    next_tier: dict[str, Any] | None = None
    for tier in tiers:
        if all(measures.get(MEASURE_OF[c], 0.0) >= float(tier[c]) for c in TIER_CRITERIA if c in tier):
            reached = tier["code"]
        elif next_tier is None:
            next_tier = tier
    if next_tier is None:
        return TierResult(tier=reached)
    missing = {
        MEASURE_OF[c]: round(float(next_tier[c]) - measures.get(MEASURE_OF[c], 0.0), 2)
        for c in TIER_CRITERIA
        if c in next_tier and measures.get(MEASURE_OF[c], 0.0) < float(next_tier[c])
    }
    return TierResult(tier=reached, next_tier=next_tier["code"], missing=missing)


def decimal_text(value: float | Decimal | None) -> str:
    return "" if value is None else format(Decimal(str(value)).quantize(Decimal("0.01")), "f")


# --- account objectives: whole account, per family or product, product mix ------------------------------

OBJECTIVE_SCHEMA = {
    "objective_id": pl.Int64,
    "partner_id": pl.Int64,
    "start": pl.Date,
    "end": pl.Date,
    "metric": pl.String,
    "family": pl.String,
    "product": pl.Int64,
    "target": pl.Float64,
}


def shift_year(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (earlier when negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def objective_scope(*, family: str = "", product_id: int | None = None) -> str:
    """The key that makes an objective unique with its metric: whole account, one family, one product."""
    if product_id:
        return f"product:{product_id}"
    return f"family:{family}" if family else ""


def objective_values(lines: pl.DataFrame, families: pl.DataFrame, objectives: pl.DataFrame) -> pl.DataFrame:
    """Per objective (``OBJECTIVE_SCHEMA``): ``value`` and ``attainment`` (percent) from ``lines``
    (``LINE_SCHEMA``), in one pass over the lines joined to their partner's objectives.

    ``families`` maps ``product_id`` to ``family``. An objective with a product counts that product, one with a
    family that family; ``mix_share`` is the family's percent of the partner's amount in the period.
    """
    if objectives.height == 0:
        return objectives.with_columns(
            pl.lit(None, pl.Float64).alias("value"), pl.lit(None, pl.Float64).alias("attainment")
        )
    typed = lines.join(families, on="product_id", how="left").with_columns(pl.col("family").fill_null(""))
    joined = objectives.join(typed, on="partner_id", how="inner").filter(
        pl.col("sale_date").is_between(pl.col("start"), pl.col("end"))
    )
    in_scope = (
        pl.when(pl.col("product").is_not_null())
        .then(pl.col("product_id") == pl.col("product"))
        .when(pl.col("family") != "")
        .then(pl.col("family_right") == pl.col("family"))
        .otherwise(pl.lit(True))
    )
    sums = (
        joined.with_columns(in_scope.alias("in_scope"))
        .group_by("objective_id")
        .agg(
            pl.col("quantity").filter(pl.col("in_scope")).sum().alias("scope_units"),
            pl.col("amount").filter(pl.col("in_scope")).sum().alias("scope_amount"),
            pl.col("amount").sum().alias("all_amount"),
        )
    )
    value = (
        pl.when(pl.col("metric") == "units")
        .then(pl.col("scope_units").cast(pl.Float64))
        .when(pl.col("metric") == "mix_share")
        .then(
            pl.when(pl.col("all_amount") > 0)
            .then(pl.col("scope_amount") * 100.0 / pl.col("all_amount"))
            .otherwise(0.0)
        )
        .otherwise(pl.col("scope_amount"))
    )
    out = objectives.join(sums, on="objective_id", how="left").with_columns(
        pl.col("scope_units").fill_null(0),
        pl.col("scope_amount").fill_null(0.0),
        pl.col("all_amount").fill_null(0.0),
    )
    return (
        out.with_columns(value.alias("value"))
        .with_columns((pl.col("value") * 100.0 / pl.col("target")).alias("attainment"))
        .select(*OBJECTIVE_SCHEMA, "value", "attainment")
    )
