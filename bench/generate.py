"""A partner's sell-out export of N lines, as a French ERP writes it.

';' separated, UTF-8, decimal comma, dd/mm/yyyy, two title lines, a total line at the end; about 0.5 % of
lines have a wrong GTIN check digit (rejected) and 0.5 % a price five times the list price (flagged).
Pseudo-random from polars hashes of the line number, so a size always gives the same file on one machine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from bench.worker import PRODUCTS, list_price, product_gtin

CHUNK = 500_000


def _draw(seed: int, modulo: int) -> pl.Expr:
    return (pl.col("n").hash(seed) % modulo).cast(pl.Int64)


def generate(path: Path, lines: int) -> None:
    catalogue = pl.DataFrame(
        {
            "product": list(range(PRODUCTS)),
            "gtin": [product_gtin(n)[1:] for n in range(PRODUCTS)],  # EAN-13 as printed
            "list_price": [list_price(n) for n in range(PRODUCTS)],
        },
        schema={"product": pl.Int64, "gtin": pl.String, "list_price": pl.Float64},
    )
    start = dt.date(2025, 11, 1)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("Export des ventes;;;;;;\nSociété Bench - période glissante;;;;;;\n")
        out.write("N° facture;Code EAN;Qté;Date de vente;Prix unitaire HT;Montant HT;Canal\n")
        written = 0
        while written < lines:
            n = min(CHUNK, lines - written)
            frame = pl.DataFrame({"n": pl.int_range(written, written + n, eager=True)})
            frame = frame.with_columns(
                _draw(1, PRODUCTS).alias("product"),
                (_draw(2, 5) + 1).alias("quantity"),
                _draw(3, 100).alias("returns"),
                _draw(4, 1000).alias("bad"),
                _draw(5, 365).alias("days"),
                (_draw(6, 21) - 10).alias("discount"),
                _draw(7, 100).alias("web"),
            ).join(catalogue, on="product", how="left", maintain_order="left")
            price = (pl.col("list_price") * (1 + pl.col("discount") / 100)).round(2)
            price = pl.when(pl.col("bad") >= 995).then(price * 5).otherwise(price).round(2)
            quantity = pl.when(pl.col("returns") == 0).then(-pl.col("quantity")).otherwise(pl.col("quantity"))
            gtin = (
                pl.when(pl.col("bad") < 5)
                .then(
                    pl.col("gtin").str.slice(0, 12)
                    + ((pl.col("gtin").str.slice(12, 1).cast(pl.Int64) + 1) % 10).cast(pl.String)
                )
                .otherwise(pl.col("gtin"))
            )
            text = frame.select(
                (pl.lit("FA-") + (pl.col("n") // 3).cast(pl.String).str.zfill(8)).alias("invoice"),
                gtin.alias("gtin"),
                quantity.alias("quantity"),
                (pl.lit(start) + pl.duration(days=pl.col("days"))).dt.strftime("%d/%m/%Y").alias("date"),
                price.cast(pl.String).str.replace(".", ",", literal=True).alias("price"),
                (price * quantity)
                .round(2)
                .cast(pl.String)
                .str.replace(".", ",", literal=True)
                .alias("amount"),
                pl.when(pl.col("web") < 15).then(pl.lit("Web")).otherwise(pl.lit("Magasin")).alias("channel"),
            )
            out.write(text.write_csv(separator=";", include_header=False))
            written += n
        out.write(";;;;;;\nTotal;;;;;;\n")
