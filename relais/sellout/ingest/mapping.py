"""Which column of a partner's own file holds which field.

A partner exports sell-out from its own system, in its own language and layout. We find the header row
(title lines may sit above it), then propose a mapping from two kinds of evidence:

- the header text, compared with synonym tables in French, English, German, Spanish and Italian;
- the content of the column: 13/14-digit numbers whose check digit validates are GTINs, dates are the sale
  date, small integers are quantities, decimals are prices or amounts.

The partner confirms or corrects the proposal once; it is saved as a ``ColumnMapping`` keyed by the
header signature and reused for the next file of the same layout. The fields themselves are the sell-out
line's (``fields``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from stdnum import ean

from relais.sellout.ingest.fields import FIELD_NAMES as FIELD_NAMES  # re-exported: the line's fields
from relais.sellout.ingest.fields import FIELDS, PRICE_FIELDS, REQUIRED_FIELDS
from relais.sellout.ingest.fields import FieldSpec as FieldSpec


def normalise_header(text: object) -> str:
    """Lower case, accents and punctuation removed, spaces collapsed: 'Qté.' -> 'qte', 'N° facture' -> 'n facture'."""
    value = unicodedata.normalize("NFKD", str(text or ""))
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    value = value.replace("º", "o").replace("°", " ")
    value = re.sub(r"[^a-z0-9]+", " ", value)
    return re.sub(r"\s+", " ", value).strip()


_SYNONYMS_RAW: dict[str, list[str]] = {
    "gtin": [
        "gtin",
        "ean",
        "ean13",
        "ean 13",
        "ean-13",
        "gtin13",
        "gtin 13",
        "gtin14",
        "gtin 14",
        "code ean",
        "code barre",
        "code barres",
        "code-barres",
        "code gtin",
        "ean code",
        "ean-code",
        "barcode",
        "upc",
        "codigo ean",
        "código ean",
        "código de barras",
        "codigo de barras",
        "codice ean",
        "codice a barre",
        "ean nummer",
        "ean-nummer",
        "artikel ean",
        "gencod",
        "gencode",
        "ean article",
        "ean produit",
    ],
    "quantity": [
        "qte",
        "qté",
        "qte vendue",
        "qté vendue",
        "quantite",
        "quantité",
        "quantite vendue",
        "quantités",
        "qty",
        "quantity",
        "qty sold",
        "quantity sold",
        "units",
        "pcs",
        "pieces",
        "menge",
        "anzahl",
        "stuck",
        "stück",
        "stückzahl",
        "verkaufte menge",
        "cantidad",
        "cant",
        "unidades",
        "cantidad vendida",
        "quantita",
        "quantità",
        "qta",
        "qtà",
        "pezzi",
        "nombre",
        "nb",
        "nbre",
        "volume",
    ],
    "sale_date": [
        "date",
        "date de vente",
        "date vente",
        "date facture",
        "date de facture",
        "date de facturation",
        "sale date",
        "date of sale",
        "sales date",
        "invoice date",
        "sold on",
        "verkaufsdatum",
        "datum",
        "rechnungsdatum",
        "verkauft am",
        "fecha",
        "fecha de venta",
        "fecha venta",
        "fecha factura",
        "data",
        "data vendita",
        "data di vendita",
        "data fattura",
        "jour",
        "day",
    ],
    "amount": [
        "montant",
        "montant ht",
        "montant total",
        "montant ligne",
        "ca",
        "ca ht",
        "chiffre d affaires",
        "total ht",
        "total ligne",
        "amount",
        "line amount",
        "net amount",
        "sales",
        "revenue",
        "turnover",
        "value",
        "sales value",
        "umsatz",
        "betrag",
        "nettobetrag",
        "gesamtbetrag",
        "wert",
        "umsatz netto",
        "importe",
        "importe neto",
        "importe total",
        "ventas",
        "importo",
        "importo netto",
        "fatturato",
        "valore",
        "montant net",
        "total",
    ],
    "unit_price": [
        "prix unitaire",
        "prix",
        "pu",
        "pu ht",
        "prix unitaire ht",
        "prix de vente",
        "prix net",
        "unit price",
        "price",
        "unit cost",
        "selling price",
        "net price",
        "einzelpreis",
        "preis",
        "stuckpreis",
        "stückpreis",
        "verkaufspreis",
        "nettopreis",
        "precio unitario",
        "precio",
        "pvp",
        "prezzo unitario",
        "prezzo",
        "prezzo di vendita",
    ],
    "currency": [
        "devise",
        "monnaie",
        "currency",
        "curr",
        "ccy",
        "wahrung",
        "währung",
        "moneda",
        "divisa",
        "valuta",
    ],
    "channel": [
        "canal",
        "canal de vente",
        "channel",
        "sales channel",
        "kanal",
        "vertriebsweg",
        "vertriebskanal",
        "canal de venta",
        "canale",
        "canale di vendita",
        "web magasin",
        "online offline",
    ],
    "invoice_ref": [
        "n facture",
        "no facture",
        "n de facture",
        "numero facture",
        "numero de facture",
        "facture",
        "ref facture",
        "réf facture",
        "invoice",
        "invoice no",
        "invoice number",
        "invoice ref",
        "invoice nr",
        "rechnungsnr",
        "rechnungsnummer",
        "rechnung",
        "rechnung nr",
        "beleg",
        "belegnummer",
        "belegnr",
        "n factura",
        "no factura",
        "nº factura",
        "numero factura",
        "número de factura",
        "factura",
        "numero fattura",
        "numero di fattura",
        "n fattura",
        "nr fattura",
        "fattura",
        "ticket",
        "bon",
    ],
    "customer_type": [
        "type client",
        "type de client",
        "client type",
        "customer type",
        "type",
        "b2b b2c",
        "kundentyp",
        "kundenart",
        "tipo cliente",
        "tipo de cliente",
        "typologie client",
        "pro particulier",
    ],
    "customer_postcode_area": [
        "cp",
        "code postal",
        "cp client",
        "code postal client",
        "departement",
        "département",
        "dept",
        "postcode",
        "post code",
        "zip",
        "zip code",
        "postal code",
        "plz",
        "postleitzahl",
        "codigo postal",
        "código postal",
        "cap",
        "codice postale",
        "provincia",
        "region client",
    ],
    "customer_ref": [
        "customer number",
        "customer no",
        "customer id",
        "client id",
        "n client",
        "numero client",
        "numéro client",
        "code client",
        "ref client",
        "kundennummer",
        "kunden nr",
        "numero cliente",
    ],
    "customer_segment": [
        "segment",
        "segment client",
        "customer segment",
        "activite client",
        "activité client",
        "metier",
        "métier",
        "kundensegment",
        "branche",
        "segmento",
        "segmento cliente",
        "sector",
        "settore",
    ],
    "feedback": [
        "commentaire",
        "commentaires",
        "remarque",
        "avis client",
        "retour client",
        "feedback",
        "customer feedback",
        "comment",
        "comments",
        "notes",
        "kommentar",
        "bemerkung",
        "anmerkung",
        "comentario",
        "comentarios",
        "observaciones",
        "commento",
        "commenti",
        "note",
    ],
}
SYNONYMS: dict[str, set[str]] = {
    name: {normalise_header(s) for s in values} for name, values in _SYNONYMS_RAW.items()
}

# Words that mark a total line at the bottom of an export (normalised).
TOTAL_WORDS = {
    "total",
    "totaux",
    "total general",
    "sous total",
    "total ht",
    "total ttc",
    "grand total",
    "subtotal",
    "sub total",
    "gesamt",
    "summe",
    "gesamtsumme",
    "zwischensumme",
    "totale",
    "totale generale",
    "subtotale",
    "suma",
    "somme",
}


def header_score(cells: list[str]) -> int:
    """How much a row looks like a header: the number of distinct fields its cells name."""
    found: set[str] = set()
    for cell in cells:
        key = normalise_header(cell)
        if not key:
            continue
        for name, synonyms in SYNONYMS.items():
            if name not in found and _matches(key, synonyms):
                found.add(name)
                break
    return len(found)


def _matches(key: str, synonyms: set[str]) -> bool:
    if key in synonyms:
        return True
    # "Qté vendue (u)" -> "qte vendue u": accept when the header starts with a synonym of 2+ letters.
    words = key.split()
    return any(" ".join(words[:n]) in synonyms for n in range(len(words) - 1, 0, -1))


def find_header_row(rows: list[list[str]]) -> int:
    """Index (0-based) of the header row among the first rows of a file.

    The header names the most fields; ties go to the first such row. When no row names two fields, the
    first row whose cells are mostly non-numeric text and that is followed by data is taken.
    """
    best_index, best_score = -1, 1
    for index, cells in enumerate(rows[:60]):
        score = header_score(cells)
        if score > best_score:
            best_index, best_score = index, score
    if best_index >= 0:
        return best_index
    widths = [sum(1 for c in r if str(c).strip()) for r in rows[:60]]
    target = max(widths, default=0)
    for index, cells in enumerate(rows[:60]):
        filled = [c for c in cells if str(c).strip()]
        if len(filled) >= max(2, target - 1) and not any(_looks_numeric(c) for c in filled):
            return index
    return 0


def _looks_numeric(value: object) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d\s.,'\u00a0\u202f]+", str(value).strip()))


def header_signature(headers: list[str]) -> str:
    """Stable signature of a layout: the normalised header cells in order."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode()).hexdigest()


@dataclass
class Proposal:
    mapping: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)


_DATE_RE = re.compile(
    r"^(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})([ T]\d{1,2}:\d{2}(:\d{2})?)?$"
)
_INT_RE = re.compile(r"^-?\d{1,6}$")
_DEC_RE = re.compile(r"^-?[\d\s.\u00a0\u202f']*\d[.,]\d{1,4}$")


def _is_gtin(value: str) -> bool:
    digits = value.strip()
    if digits.endswith(".0"):
        digits = digits[:-2]
    if not digits.isdigit() or not 8 <= len(digits) <= 14:
        return False
    return ean.is_valid(digits.zfill(14))


def _share(values: list[str], test: Callable[[str], bool]) -> float:
    filled = [v for v in values if v.strip()]
    if not filled:
        return 0.0
    return sum(1 for v in filled if test(v.strip())) / len(filled)


def propose_mapping(headers: list[str], sample_rows: list[list[str]]) -> Proposal:
    """Propose ``field -> header`` from header synonyms first, then column content for what is left."""
    proposal = Proposal()
    taken: set[int] = set()
    normalised = [normalise_header(h) for h in headers]
    # 1. Exact synonyms, then prefix matches, field by field in the canonical order.
    for exact in (True, False):
        for spec in FIELDS:
            if spec.name in proposal.mapping:
                continue
            for index, key in enumerate(normalised):
                if index in taken or not key:
                    continue
                hit = key in SYNONYMS[spec.name] if exact else _matches(key, SYNONYMS[spec.name])
                if hit:
                    proposal.mapping[spec.name] = headers[index]
                    proposal.confidence[spec.name] = 0.95 if exact else 0.8
                    taken.add(index)
                    break
    # 2. Content sniffing for the required fields still missing.
    columns = {
        index: [row[index] if index < len(row) else "" for row in sample_rows]
        for index in range(len(headers))
    }
    sniffers = [
        ("gtin", _is_gtin, 0.9),
        ("sale_date", lambda v: bool(_DATE_RE.match(v)), 0.8),
        ("quantity", lambda v: bool(_INT_RE.match(v)), 0.6),
        ("amount", lambda v: bool(_DEC_RE.match(v)), 0.5),
    ]
    for name, test, threshold in sniffers:
        if name in proposal.mapping or (name == "amount" and "unit_price" in proposal.mapping):
            continue
        best: tuple[float, int] | None = None
        for index, values in columns.items():
            if index in taken or not headers[index]:
                continue
            share = _share(values, test)
            if share >= threshold and (best is None or share > best[0]):
                best = (share, index)
        if best is not None:
            proposal.mapping[name] = headers[best[1]]
            proposal.confidence[name] = round(0.5 * best[0], 2)
            taken.add(best[1])
    return proposal


def missing_required(mapping: dict[str, str]) -> list[str]:
    """Required fields the mapping does not cover (``amount`` stands for 'amount or unit price')."""
    missing = [name for name in REQUIRED_FIELDS if not mapping.get(name)]
    if not any(mapping.get(name) for name in PRICE_FIELDS):
        missing.append("amount")
    return missing
