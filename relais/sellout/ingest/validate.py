"""Typing and checking sell-out lines, vectorised with polars.

Input: a batch of text columns named by canonical field (``gtin``, ``quantity``...) plus ``__row`` (the
row number in the file). Output: the good lines, typed and ready to store, and one error per failed check
naming the field. Lines whose price is implausible against the list price are kept but flagged.
Blank lines and total lines ("Total", "Gesamt", a sum without GTIN and date) are dropped silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from babel.numbers import list_currencies
from django.utils.translation import gettext as _

from relais.sellout.ingest.fields import FIELD_NAMES, MAX_LENGTHS
from relais.sellout.ingest.row_messages import ROW_MESSAGES

ERROR_SCHEMA = {"__row": pl.Int64, "field": pl.String, "message": pl.String}
# Unit price below 30 % or above 300 % of the list price is flagged for the brand to review.
PLAUSIBLE_PRICE_MIN = 0.3
PLAUSIBLE_PRICE_MAX = 3.0
TOTAL_PATTERN = (
    r"(?i)^\s*(total|totaux|sous[- ]total|grand total|subtotal|sub-total|gesamt|gesamtsumme|summe|"
    r"zwischensumme|totale|subtotale|suma|somme)\b"
)
_SPACES = "\u00a0\u202f\u2009 '’"
CHANNELS = {
    "in_store": [
        "in_store",
        "in store",
        "instore",
        "store",
        "shop",
        "magasin",
        "boutique",
        "comptoir",
        "agence",
        "point de vente",
        "pdv",
        "laden",
        "filiale",
        "geschaft",
        "geschäft",
        "stationar",
        "stationär",
        "tienda",
        "negozio",
        "punto vendita",
        "offline",
        "retail",
        "showroom",
    ],
    "online": [
        "online",
        "on line",
        "web",
        "internet",
        "e-commerce",
        "ecommerce",
        "e commerce",
        "en ligne",
        "site web",
        "site internet",
        "webshop",
        "onlineshop",
        "online-shop",
        "en linea",
        "en línea",
        "sito",
        "marketplace",
        "digital",
    ],
}
CUSTOMER_TYPES = {
    "b2b": [
        "b2b",
        "pro",
        "pros",
        "professionnel",
        "professionnels",
        "professional",
        "business",
        "entreprise",
        "societe",
        "société",
        "company",
        "trade",
        "gewerblich",
        "gewerbe",
        "firma",
        "firmenkunde",
        "empresa",
        "profesional",
        "azienda",
        "professionista",
    ],
    "b2c": [
        "b2c",
        "particulier",
        "particuliers",
        "consumer",
        "private",
        "prive",
        "privé",
        "individual",
        "retail customer",
        "privat",
        "privatkunde",
        "endkunde",
        "particular",
        "consumidor",
        "privato",
        "consumatore",
    ],
}


@dataclass
class Catalogue:
    """The brand's products as a frame: gtin (GTIN-14), product_id, list_price, product_currency."""

    frame: pl.DataFrame

    @classmethod
    def from_rows(cls, rows: list[tuple[str, int, Decimal | None, str]]) -> Catalogue:
        return cls(
            pl.DataFrame(
                {
                    "gtin": [r[0] for r in rows],
                    "product_id": [r[1] for r in rows],
                    "list_price": [float(r[2]) if r[2] is not None else None for r in rows],
                    "product_currency": [r[3] for r in rows],
                },
                schema={
                    "gtin": pl.String,
                    "product_id": pl.Int64,
                    "list_price": pl.Float64,
                    "product_currency": pl.String,
                },
            )
        )


@dataclass
class Rules:
    """What a batch is checked against."""

    catalogue: Catalogue
    currency: str
    today: dt.date
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    # Column options detected once per file (and saved with the partner's mapping).
    options: dict[str, str] = field(default_factory=dict)


@dataclass
class Checked:
    lines: pl.DataFrame  # typed good lines (status accepted or flagged)
    errors: pl.DataFrame  # __row, field, message (one row per failed check)
    rejected_rows: int
    ignored_rows: int


# --- helpers ---------------------------------------------------------------------------------------------


def _text(name: str) -> pl.Expr:
    return pl.col(name).fill_null("").str.strip_chars()


def _message(template: str, value: pl.Expr | None = None) -> pl.Expr:
    """A row error in English (``row_messages``: worded for the reader at display), ``{value}`` replaced by a
    column's text."""
    if value is None or "{value}" not in template:
        return pl.lit(template)
    before, after = template.split("{value}", 1)
    return pl.concat_str([pl.lit(before), value.str.slice(0, 40), pl.lit(after)])


def gtin_check_ok(digits14: pl.Expr) -> pl.Expr:
    """GS1 mod-10 check of a 14-digit string: weights 3,1,3... from the left for GTIN-14."""
    total = pl.lit(0, dtype=pl.Int32)
    for position in range(13):
        weight = 3 if position % 2 == 0 else 1
        total = total + digits14.str.slice(position, 1).cast(pl.Int32, strict=False) * weight
    check = (10 - total % 10) % 10
    return check == digits14.str.slice(13, 1).cast(pl.Int32, strict=False)


def normalise_gtin_expr(raw: pl.Expr) -> pl.Expr:
    """Digits only, Excel's '.0' removed, left-padded to GTIN-14 (restores leading zeros Excel dropped)."""
    cleaned = raw.str.replace(r"\.0+$", "").str.replace_all(r"[\s\u00a0\-]", "")
    return pl.when(cleaned.str.contains(r"^\d{8,14}$")).then(cleaned.str.zfill(14)).otherwise(None)


def detect_decimal(values: pl.Series, default: str) -> str:
    """',' or '.' as decimal separator of a column, from its values: the last separator, unless it is
    followed by exactly three digits (then it may be a thousands separator)."""
    text = values.drop_nulls().str.strip_chars()
    comma = int(text.str.contains(r"\d,\d{1,2}$|\d,\d{4,}$|\.\d{3},\d+$").sum())
    point = int(text.str.contains(r"\d\.\d{1,2}$|\d\.\d{4,}$|,\d{3}\.\d+$").sum())
    if comma > point:
        return ","
    if point > comma:
        return "."
    return default


def number_expr(raw: pl.Expr, decimal: str) -> tuple[pl.Expr, pl.Expr]:
    """(normalised number text or null, shape ok) for thousands-grouped numbers.

    A value whose separator can only be a decimal one ("19,90", "1.234,5", "0.5") is read that way;
    ambiguous values ("1.234", "1,234") follow ``decimal``, the convention detected for the file.
    """
    cleaned = (
        raw.str.replace_all(r"[€$£]|EUR|CHF|GBP|USD", "")
        .str.strip_chars()
        .str.replace(r"^\((.*)\)$", "-$1")  # accounting negatives: (12,00)
        .str.replace(r"^(.*\d)-$", "-$1")  # trailing minus: 12,00-
    )
    comma_text, comma_ok = _number_with(cleaned, ",")
    point_text, point_ok = _number_with(cleaned, ".")
    comma_sure = cleaned.str.contains(r"\d,\d{1,2}$|\d,\d{4,}$|\.\d{3},\d+$")
    point_sure = cleaned.str.contains(r"\d\.\d{1,2}$|\d\.\d{4,}$|,\d{3}\.\d+$")
    default_text, default_ok = (comma_text, comma_ok) if decimal == "," else (point_text, point_ok)
    text = pl.when(comma_sure).then(comma_text).when(point_sure).then(point_text).otherwise(default_text)
    ok = pl.when(comma_sure).then(comma_ok).when(point_sure).then(point_ok).otherwise(default_ok)
    return pl.when(ok).then(text).otherwise(None), ok


def _number_with(cleaned: pl.Expr, decimal: str) -> tuple[pl.Expr, pl.Expr]:
    thousands = "." if decimal == "," else ","
    t, d = _re_escape(thousands), _re_escape(decimal)
    spaces = f"[{_SPACES}]"
    shape = rf"^[-+]?(\d{{1,3}}(({t}|{spaces})\d{{3}})+|\d+)({d}\d+)?$"
    ok = cleaned.str.contains(shape)
    normalised = cleaned.str.replace_all(f"{spaces}|{t}", "").str.replace(d, ".", literal=True)
    return normalised.str.replace(r"^\+", ""), ok


def _re_escape(char: str) -> str:
    return "\\" + char if char in ".|^$*+?()[]{}\\" else char


def date_expr(raw: pl.Expr, order: str = "dmy") -> tuple[pl.Expr, pl.Expr]:
    """(parsed date or null, looks like a date) from dd/mm/yyyy, dd.mm.yyyy, yyyy-mm-dd, yyyymmdd,
    two-digit years and Excel serial numbers. ``order`` 'mdy' reads 01/02/2026 as January 2nd."""
    text = raw.str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*$", "")
    dmy = text.str.extract_groups(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
    ymd = text.str.extract_groups(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
    compact = text.str.extract_groups(r"^((?:19|20)\d{2})(\d{2})(\d{2})$")
    first, second = ("2", "1") if order == "mdy" else ("1", "2")
    year_dmy = dmy.struct.field("3")
    year_dmy = pl.when(year_dmy.str.len_chars() == 2).then(pl.lit("20") + year_dmy).otherwise(year_dmy)
    iso = pl.coalesce(
        pl.concat_str(
            [year_dmy, dmy.struct.field(second).str.zfill(2), dmy.struct.field(first).str.zfill(2)],
            separator="-",
        ),
        pl.concat_str(
            [ymd.struct.field("1"), ymd.struct.field("2").str.zfill(2), ymd.struct.field("3").str.zfill(2)],
            separator="-",
        ),
        pl.concat_str(
            [compact.struct.field("1"), compact.struct.field("2"), compact.struct.field("3")], separator="-"
        ),
    )
    parsed = iso.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    # Excel serial dates (days since 1899-12-30), within 1954..2119 so plain numbers are not taken as dates.
    serial = text.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    serial_ok = serial.is_between(20000, 80000).fill_null(False)
    serial_date = (pl.lit(dt.date(1899, 12, 30)) + pl.duration(days=serial)).cast(pl.Date)
    parsed = pl.when(serial_ok).then(serial_date).otherwise(parsed)
    shaped = iso.is_not_null() | serial_ok
    return parsed, shaped


def detect_date_order(values: pl.Series) -> str:
    """'mdy' only when some first parts exceed 12 in the second position and none in the first."""
    parts = values.drop_nulls().str.extract_groups(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}")
    first = parts.struct.field("1").cast(pl.Int32, strict=False)
    second = parts.struct.field("2").cast(pl.Int32, strict=False)
    if int((second > 12).sum() or 0) > 0 and int((first > 12).sum() or 0) == 0:
        return "mdy"
    return "dmy"


def _vocabulary_expr(raw: pl.Expr, table: dict[str, list[str]], default: str) -> pl.Expr:
    key = raw.str.to_lowercase().str.replace_all(r"[_\s]+", " ").str.strip_chars()
    expr: Any = pl.when(key == "").then(pl.lit(default))
    for value, words in table.items():
        expr = expr.when(key.is_in(words)).then(pl.lit(value))
    return expr.otherwise(None)


def detect_options(frame: pl.DataFrame, *, default_decimal: str) -> dict[str, str]:
    """Per-file reading options from a first batch: decimal separator per numeric field, date order."""
    options: dict[str, str] = {}
    numeric = [c for c in ("quantity", "unit_price", "amount") if c in frame.columns]
    votes = pl.concat([frame[c] for c in numeric]) if numeric else pl.Series([], dtype=pl.String)
    options["decimal"] = detect_decimal(votes, default_decimal)
    if "sale_date" in frame.columns:
        options["date_order"] = detect_date_order(frame["sale_date"])
    return options


# --- the check -------------------------------------------------------------------------------------------


def check_batch(frame: pl.DataFrame, rules: Rules, *, raw_columns: list[str] | None = None) -> Checked:
    """Type and check one batch. ``frame``: text columns named by field, ``__row``; optional raw columns
    (the whole row as read) are looked at only to recognise total lines."""
    present = [c for c in FIELD_NAMES if c in frame.columns]
    frame = frame.with_columns(
        *(_text(c).alias(c) for c in present),
        *(pl.lit("").alias(name) for name in FIELD_NAMES if name not in frame.columns),
    )
    # Lines to drop without counting: blank, or a total (a total word anywhere, or no GTIN and no date).
    cells = [pl.col(c) for c in (raw_columns or present)]
    blank = pl.all_horizontal([pl.col(c) == "" for c in FIELD_NAMES])
    total_word = pl.any_horizontal([c.fill_null("").str.contains(TOTAL_PATTERN) for c in cells])
    has_gtin = pl.col("gtin").str.contains(r"\d{6}")
    total = (~has_gtin & (total_word | (pl.col("sale_date") == ""))) | (total_word & ~has_gtin)
    frame = frame.with_columns((blank | total).alias("_ignored"))
    if raw_columns:
        frame = frame.drop([c for c in raw_columns if c not in FIELD_NAMES], strict=False)

    decimal = rules.options.get("decimal", ",")
    order = rules.options.get("date_order", "dmy")

    lazy = frame.lazy()
    value = pl.col("_v")
    qty_text, qty_shape = number_expr(value, decimal)
    price_text, price_shape = number_expr(value, decimal)
    amount_text, amount_shape = number_expr(value, decimal)
    sale_date, date_shape = date_expr(value, order)
    # Parsing runs on each column's distinct values only (a file repeats its GTINs, dates, quantities and
    # prices), then is joined back: the regular expressions run on a fraction of the rows.
    lazy = _parsed(lazy, frame, "gtin", {"_gtin14": normalise_gtin_expr(value)})
    lazy = _parsed(
        lazy, frame, "quantity", {"_qty_f": qty_text.cast(pl.Float64, strict=False), "_qty_shape": qty_shape}
    )
    lazy = _parsed(
        lazy,
        frame,
        "unit_price",
        {"_price": price_text.cast(pl.Decimal(20, 4), strict=False), "_price_shape": price_shape},
    )
    lazy = _parsed(
        lazy,
        frame,
        "amount",
        {"_amount": amount_text.cast(pl.Decimal(20, 4), strict=False), "_amount_shape": amount_shape},
    )
    lazy = _parsed(lazy, frame, "sale_date", {"_date": sale_date, "_date_shape": date_shape})
    lazy = _parsed(
        lazy,
        frame,
        "channel",
        {"_channel": _vocabulary_expr(value, CHANNELS, "in_store")},
    )
    lazy = _parsed(
        lazy,
        frame,
        "customer_type",
        {"_customer_type": _vocabulary_expr(value, CUSTOMER_TYPES, "")},
    )
    lazy = lazy.with_columns(
        (pl.col("unit_price") == "").alias("_price_empty"),
        (pl.col("amount") == "").alias("_amount_empty"),
        pl.col("currency").str.to_uppercase().alias("_currency_in"),
    )
    lazy = lazy.join(
        rules.catalogue.frame.lazy(), left_on="_gtin14", right_on="gtin", how="left", coalesce=True
    )

    errors = {
        "gtin": (
            pl.when(pl.col("gtin") == "")
            .then(_message(ROW_MESSAGES["gtin_missing"]))
            .when(pl.col("_gtin14").is_null())
            .then(_message(ROW_MESSAGES["not_gtin_ean_digits"], pl.col("gtin")))
            .when(~gtin_check_ok(pl.col("_gtin14")))
            .then(_message(ROW_MESSAGES["gtin_has_wrong_check_digit"], pl.col("gtin")))
            .when(pl.col("product_id").is_null())
            .then(_message(ROW_MESSAGES["gtin_not_product_catalogue"], pl.col("_gtin14")))
        ),
        "quantity": (
            pl.when(pl.col("quantity") == "")
            .then(_message(ROW_MESSAGES["quantity_missing"]))
            .when(~pl.col("_qty_shape") | pl.col("_qty_f").is_null())
            .then(_message(ROW_MESSAGES["quantity_not_number"], pl.col("quantity")))
            .when(pl.col("_qty_f") != pl.col("_qty_f").round(0))
            .then(_message(ROW_MESSAGES["quantity_not_whole_number"], pl.col("quantity")))
            .when(pl.col("_qty_f") == 0)
            .then(_message(ROW_MESSAGES["quantity_zero"]))
            .when(pl.col("_qty_f").abs() > 1_000_000)
            .then(_message(ROW_MESSAGES["quantity_too_large"], pl.col("quantity")))
        ),
        "sale_date": (
            pl.when(pl.col("sale_date") == "")
            .then(_message(ROW_MESSAGES["date_sale_missing"]))
            .when(~pl.col("_date_shape"))
            .then(_message(ROW_MESSAGES["not_date"], pl.col("sale_date")))
            .when(pl.col("_date").is_null())
            .then(_message(ROW_MESSAGES["an_impossible_date"], pl.col("sale_date")))
            .when(pl.col("_date") > pl.lit(rules.today))
            .then(_message(ROW_MESSAGES["date_sale_future"], pl.col("sale_date")))
            .when(pl.col("_date") < pl.lit(dt.date(2000, 1, 1)))
            .then(_message(ROW_MESSAGES["date_sale_too_old"], pl.col("sale_date")))
            .when(_outside_period(rules))
            .then(_message(ROW_MESSAGES["date_sale_outside_declared_period"], pl.col("sale_date")))
        ),
        "amount": (
            pl.when(pl.col("_amount_empty") & pl.col("_price_empty"))
            .then(_message(ROW_MESSAGES["amount_unit_price_missing"]))
            .when(~pl.col("_amount_empty") & (~pl.col("_amount_shape") | pl.col("_amount").is_null()))
            .then(_message(ROW_MESSAGES["amount_not_number"], pl.col("amount")))
        ),
        "unit_price": (
            pl.when(~pl.col("_price_empty") & (~pl.col("_price_shape") | pl.col("_price").is_null()))
            .then(_message(ROW_MESSAGES["unit_price_not_number"], pl.col("unit_price")))
            .when(~pl.col("_price_empty") & (pl.col("_price") < 0))
            .then(_message(ROW_MESSAGES["unit_price_negative"], pl.col("unit_price")))
        ),
        "currency": (
            pl.when(
                (pl.col("_currency_in") != "") & ~pl.col("_currency_in").is_in(sorted(_currencies()))
            ).then(_message(ROW_MESSAGES["not_currency_code"], pl.col("currency")))
        ),
        "channel": (
            pl.when(pl.col("_channel").is_null()).then(
                _message(ROW_MESSAGES["not_sales_channel_store_online"], pl.col("channel"))
            )
        ),
        "customer_type": (
            pl.when(pl.col("_customer_type").is_null()).then(
                _message(ROW_MESSAGES["not_customer_type"], pl.col("customer_type"))
            )
        ),
        "invoice_ref": (
            pl.when(pl.col("invoice_ref").str.len_chars() > MAX_LENGTHS["invoice_ref"]).then(
                _message(ROW_MESSAGES["invoice_number_longer_60_characters"])
            )
        ),
        "customer_postcode_area": (
            pl.when(
                pl.col("customer_postcode_area").str.len_chars() > MAX_LENGTHS["customer_postcode_area"]
            ).then(_message(ROW_MESSAGES["postcode_area_longer_10_characters"]))
        ),
        "customer_segment": (
            pl.when(pl.col("customer_segment").str.len_chars() > MAX_LENGTHS["customer_segment"]).then(
                _message(ROW_MESSAGES["customer_segment_longer_60_characters"])
            )
        ),
        "feedback": (
            pl.when(pl.col("feedback").str.len_chars() > MAX_LENGTHS["feedback"]).then(
                _message(ROW_MESSAGES["customer_feedback_longer_2000_characters"])
            )
        ),
    }
    lazy = lazy.with_columns(expr.alias(f"_err_{name}") for name, expr in errors.items())
    error_columns = [f"_err_{name}" for name in errors]
    bad = pl.any_horizontal([pl.col(c).is_not_null() for c in error_columns])
    frame = lazy.with_columns((bad & ~pl.col("_ignored")).alias("_bad")).collect()
    ignored = int(frame["_ignored"].sum())
    frame = frame.filter(~pl.col("_ignored"))

    error_frame = (
        frame.lazy()
        .filter(pl.col("_bad"))
        .select(["__row", *error_columns])
        .unpivot(index="__row", on=error_columns, variable_name="field", value_name="message")
        .drop_nulls("message")
        .with_columns(pl.col("field").str.strip_prefix("_err_"))
        .sort("__row", maintain_order=True)
        .collect()
    )
    rejected = int(frame["_bad"].sum())
    good = frame.lazy().filter(~pl.col("_bad"))
    return Checked(
        lines=_typed_lines(good, rules), errors=error_frame, rejected_rows=rejected, ignored_rows=ignored
    )


def _parsed(lazy: pl.LazyFrame, source: pl.DataFrame, column: str, exprs: dict[str, pl.Expr]) -> pl.LazyFrame:
    """Add ``exprs`` (written over ``pl.col("_v")``) for ``column``.

    On big batches they are computed once per distinct value of the column in ``source`` (eager, so the
    lazy plan stays a simple chain of joins) and joined back; small batches compute them in place.
    """
    if source.height < 5000:
        return (
            lazy.with_columns(pl.col(column).alias("_v"))
            .with_columns(expr.alias(name) for name, expr in exprs.items())
            .drop("_v")
        )
    distinct = pl.DataFrame({"_v": source[column].unique()})
    parsed = distinct.with_columns(expr.alias(name) for name, expr in exprs.items())
    return lazy.join(
        parsed.lazy(), left_on=column, right_on="_v", how="left", maintain_order="left", coalesce=True
    )


def _outside_period(rules: Rules) -> pl.Expr:
    expr = pl.lit(False)
    if rules.period_start:
        expr = expr | (pl.col("_date") < pl.lit(rules.period_start))
    if rules.period_end:
        expr = expr | (pl.col("_date") > pl.lit(rules.period_end))
    return expr


_CURRENCIES: set[str] = set()


def _currencies() -> set[str]:
    if not _CURRENCIES:
        _CURRENCIES.update(list_currencies())
    return _CURRENCIES


def _typed_lines(good: pl.LazyFrame, rules: Rules) -> pl.DataFrame:
    """Typed columns of the lines to store; amount from unit price × quantity when missing, and the other
    way round; price plausibility against the list price."""
    qty = pl.col("_qty_f").round(0).cast(pl.Int64)
    amount = (
        pl.when(pl.col("_amount").is_not_null()).then(pl.col("_amount")).otherwise(pl.col("_price") * qty)
    )
    good = good.with_columns(
        qty.alias("quantity"),
        amount.cast(pl.Decimal(16, 2)).alias("amount"),
        pl.col("_price").cast(pl.Decimal(14, 4)).alias("unit_price"),
        pl.when(pl.col("_currency_in") != "")
        .then(pl.col("_currency_in"))
        .otherwise(pl.lit(rules.currency))
        .alias("currency"),
    )
    effective_price = (
        pl.when(pl.col("_price").is_not_null())
        .then(pl.col("_price").cast(pl.Float64))
        .otherwise(pl.col("amount").cast(pl.Float64) / pl.col("quantity").cast(pl.Float64))
        .abs()
    )
    ratio = effective_price / pl.col("list_price")
    comparable = (pl.col("list_price") > 0) & (pl.col("product_currency") == pl.col("currency"))
    implausible = comparable & ((ratio < PLAUSIBLE_PRICE_MIN) | (ratio > PLAUSIBLE_PRICE_MAX))
    reason_template = _("Unit price {price} is {percent} % of the list price {list_price}")
    price_part, percent_part, list_part = _split3(reason_template)
    reason = pl.concat_str(
        [
            pl.lit(price_part[0]),
            effective_price.round(2).cast(pl.String),
            pl.lit(percent_part[0]),
            (ratio * 100).round(0).cast(pl.Int64).cast(pl.String),
            pl.lit(list_part[0]),
            pl.col("list_price").round(2).cast(pl.String),
            pl.lit(list_part[1]),
        ]
    )
    return good.select(
        pl.col("__row").alias("source_row"),
        pl.col("product_id"),
        pl.col("_gtin14").alias("gtin"),
        pl.col("quantity"),
        pl.col("unit_price"),
        pl.col("amount"),
        pl.col("currency"),
        pl.col("_date").alias("sale_date"),
        pl.col("_channel").alias("channel"),
        pl.col("invoice_ref"),
        pl.col("_customer_type").alias("customer_type"),
        pl.col("customer_postcode_area"),
        pl.col("customer_segment"),
        pl.col("customer_ref"),  # in clear until store.prepare_rows pseudonymises it
        pl.col("feedback"),
        pl.when(implausible).then(pl.lit("flagged")).otherwise(pl.lit("accepted")).alias("status"),
        pl.when(implausible).then(reason.str.slice(0, 200)).otherwise(pl.lit("")).alias("flag_reason"),
    ).collect()


def _split3(template: str) -> tuple[list[str], list[str], list[str]]:
    """Split 'a {price} b {percent} c {list_price} d' into the literal pieces around the placeholders."""
    before_price, rest = template.split("{price}", 1)
    between_1, rest = rest.split("{percent}", 1)
    between_2, after = rest.split("{list_price}", 1)
    return [before_price], [between_1], [between_2, after]
