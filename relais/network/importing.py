"""Loading a brand's partner network from a file: one row per partner company, upserted by (brand, code).

Columns (English or French headers, any order): ``code``, ``name``, ``kind``, ``country`` (required);
``organisation``, ``channel``, ``region``, ``city``, ``parent_code``, ``siret``, ``siren``, ``vat`` (or one
``siret_or_vat`` column), ``potential``. Kinds and organisations may be written in French ("distributeur",
"franchisé", "mono-marque"...). A parent may appear anywhere in the file, before or after its children, or
already be in the network. Bad rows are reported with their row number as in the file; good rows load; the
whole file is one transaction. The tiers and segment recompute that follow an import are a follow-up
(``relais.followups.network.partners_import``). See docs/imports.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.tabular import ImportReport, RowError, Table, columns_map, header_key, table_read
from relais.core.validators import (
    normalise_country,
    normalise_region,
    parse_decimal,
    validate_siren,
    validate_siret,
    validate_vat,
)
from relais.network.models import Channel, Organisation, PartnerCompany, PartnerKind

PARTNER_COLUMNS: dict[str, set[str]] = {
    "code": {"code_partenaire", "partner_code", "code_client", "customer_code", "reference", "ref"},
    "name": {"nom", "raison_sociale", "societe", "company", "company_name", "denomination", "partner"},
    "kind": {"type", "type_partenaire", "partner_type", "type_de_partenaire"},
    "organisation": {"organization", "structure", "type_de_magasin", "marques"},
    "channel": {"canal", "canal_de_vente"},
    "country": {"pays", "country_code", "code_pays"},
    "region": {"province", "state", "etat", "canton", "land"},
    "city": {"ville", "localite", "town", "commune"},
    "parent_code": {"parent", "parent code", "code_parent", "parent_partner", "distributeur", "distributor"},
    "siret": {"n_siret", "numero_siret", "no_siret"},
    "siren": {"n_siren", "numero_siren"},
    "vat": {
        "vat_number",
        "tva",
        "n_tva",
        "numero_tva",
        "tva_intracommunautaire",
        "tva_intra",
        "uid",
        "vat_id",
    },
    "siret_or_vat": {
        "siret or vat",
        "siret_ou_tva",
        "siret/tva",
        "siret/vat",
        "identifiant",
        "identifier",
        "legal_id",
    },
    "potential": {"potentiel", "potentiel_annuel", "annual_potential", "ca_potentiel"},
}
REQUIRED_COLUMNS = ("code", "name", "kind", "country")

_KIND_WORDS: dict[str, set[str]] = {
    PartnerKind.DISTRIBUTOR: {"distributeur", "distribution", "distributore", "distribuidor", "distributor"},
    PartnerKind.WHOLESALER: {
        "grossiste",
        "wholesale",
        "grossista",
        "mayorista",
        "grosshandler",
        "wholesaler",
    },
    PartnerKind.RESELLER: {
        "revendeur",
        "reseller",
        "rivenditore",
        "revendedor",
        "wiederverkaufer",
        "installateur",
    },
    PartnerKind.FRANCHISEE: {
        "franchise",
        "franchisee",
        "franchisé",
        "franquiciado",
        "affilie",
        "franchising",
    },
    PartnerKind.AGENT: {"agent", "agent_commercial", "agente", "commercial_agent", "handelsvertreter"},
    PartnerKind.RETAILER: {
        "detaillant",
        "retailer",
        "retail",
        "magasin",
        "detaillist",
        "dettagliante",
        "minorista",
    },
}
_ORGANISATION_WORDS: dict[str, set[str]] = {
    Organisation.MONO_BRAND: {
        "mono_brand",
        "monobrand",
        "mono_marque",
        "monomarque",
        "exclusif",
        "exclusive",
        "single_brand",
    },
    Organisation.MULTI_BRAND: {
        "multi_brand",
        "multibrand",
        "multi_marques",
        "multimarques",
        "multi_marque",
        "multimarque",
    },
}
_CHANNEL_WORDS: dict[str, set[str]] = {
    Channel.DIRECT: {"direct", "directe", "vente_directe"},
    Channel.WEB: {"web", "internet", "en_ligne", "online", "e_commerce", "ecommerce"},
    Channel.AGENTS: {"agents", "agent", "reseau_d_agents"},
    Channel.RETAIL: {"retail", "magasin", "detail", "store", "boutique", "commerce"},
}
_MAX_POTENTIAL = Decimal("999999999999.99")
IN_LIST_LIMIT = 5000
_FIELD_LENGTHS = {"code": 40, "name": 200, "city": 100}
# Fields the import writes; a column absent from the file leaves the field of existing partners as it is.
_COLUMN_FIELDS = {
    "name": ("name",),
    "kind": ("kind",),
    "organisation": ("organisation",),
    "channel": ("channel",),
    "country": ("country",),
    "region": ("region",),
    "city": ("city",),
    "siret": ("siret", "siren"),
    "siren": ("siren",),
    "vat": ("vat_number",),
    "siret_or_vat": ("siret", "siren", "vat_number"),
    "potential": ("potential",),
}


def _choice_lookup(words: dict[str, set[str]], choices: Any) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[header_key(value)] = value
        lookup[header_key(str(label))] = value
    for value, names in words.items():
        for name in names:
            lookup[header_key(name)] = str(value)
    return lookup


@dataclass
class _PartnerRow:
    row: int
    code: str
    values: dict[str, Any]
    parent_code: str | None = None  # None: no parent column; "": no parent
    errors: list[RowError] = field(default_factory=list)

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(RowError(self.row, field_name, message))


@dataclass
class _ParsedFile:
    """The rows of a file once parsed: the good ones by code, and what was rejected and why."""

    good: dict[str, _PartnerRow] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    rejected: dict[str, int] = field(default_factory=dict)  # code -> row of its first rejected row
    rejected_rows: set[int] = field(default_factory=set)

    def reject(self, item: _PartnerRow) -> None:
        self.errors.extend(item.errors)
        self.rejected_rows.add(item.row)


def _cell(cells: list[object], index: int | None) -> object:
    if index is None or index >= len(cells):
        return ""
    return cells[index] if cells[index] is not None else ""


def _text(cells: list[object], index: int | None) -> str:
    return " ".join(str(_cell(cells, index)).split())


def _too_long(count: int) -> str:
    return _("Keep it under %(count)s characters.") % {"count": count}


def _required_text(
    item: _PartnerRow, cells: list[object], columns: dict[str, int], name: str, message: str
) -> str:
    text = _text(cells, columns[name])
    if not text:
        item.error(name, message)
    elif name in _FIELD_LENGTHS and len(text) > _FIELD_LENGTHS[name]:
        item.error(name, _too_long(_FIELD_LENGTHS[name]))
    return text


def _parse_choice(item: _PartnerRow, name: str, text: str, lookup: dict[str, str]) -> None:
    """A kind, organisation or channel in any accepted wording; a blank organisation or channel defaults."""
    if not text and name != "kind":
        item.values[name] = str(Organisation.MULTI_BRAND if name == "organisation" else Channel.RETAIL)
        return
    found = lookup.get(header_key(text))
    if found is not None:
        item.values[name] = found
        return
    accepted = ", ".join(sorted(set(lookup.values())))
    if not text:
        message = _("The partner kind is missing (%(accepted)s).") % {"accepted": accepted}
    else:
        message = _("“%(value)s” is not a known %(field)s (%(accepted)s).") % {
            "value": text,
            "field": name,
            "accepted": accepted,
        }
    item.error(name, message)


def _parse_place(item: _PartnerRow, cells: list[object], columns: dict[str, int]) -> None:
    try:
        item.values["country"] = normalise_country(_text(cells, columns["country"]))
    except ValueError as exc:
        item.error("country", str(exc))
    if "region" in columns:
        try:
            item.values["region"] = normalise_region(_text(cells, columns["region"]))
        except ValueError as exc:
            item.error("region", str(exc))
    if "city" in columns:
        item.values["city"] = _text(cells, columns["city"])
        if len(item.values["city"]) > _FIELD_LENGTHS["city"]:
            item.error("city", _too_long(_FIELD_LENGTHS["city"]))


def _identifier_texts(cells: list[object], columns: dict[str, int]) -> tuple[str, str, str]:
    """The SIRET, SIREN and VAT cells; a single "SIRET or VAT" cell fills the one its shape says."""
    siret = _text(cells, columns["siret"]) if "siret" in columns else ""
    siren = _text(cells, columns["siren"]) if "siren" in columns else ""
    vat = _text(cells, columns["vat"]) if "vat" in columns else ""
    if "siret_or_vat" in columns:
        combined = _text(cells, columns["siret_or_vat"])
        digits = combined.replace(" ", "")
        if digits.isdigit() and len(digits) == 14:
            siret = siret or combined
        elif digits.isdigit() and len(digits) == 9:
            siren = siren or combined
        elif combined:
            vat = vat or combined
    return siret, siren, vat


def _parse_identifiers(item: _PartnerRow, cells: list[object], columns: dict[str, int]) -> None:
    """Legal identifiers with their check digits; the SIREN follows the SIRET. Present columns overwrite all
    three (a blank cell empties them)."""
    siret_text, siren_text, vat_text = _identifier_texts(cells, columns)
    values = item.values
    values.update(siret="", siren="", vat_number="")
    combined = "siret_or_vat" if "siret_or_vat" in columns else None
    if siret_text:
        try:
            values["siret"] = validate_siret(siret_text)
            values["siren"] = values["siret"][:9]
        except ValueError as exc:
            item.error(combined or "siret", str(exc))
    if siren_text:
        try:
            siren = validate_siren(siren_text)
            if values["siret"] and values["siret"][:9] != siren:
                item.error("siren", _("The SIRET does not start with this SIREN."))
            values["siren"] = siren
        except ValueError as exc:
            item.error(combined or "siren", str(exc))
    if vat_text:
        try:
            values["vat_number"] = validate_vat(vat_text)
        except ValueError as exc:
            item.error(combined or "vat", str(exc))


def _parse_potential(item: _PartnerRow, raw: object) -> None:
    if raw in ("", None):
        item.values["potential"] = None
        return
    try:
        potential = parse_decimal(raw)
        if potential < 0 or potential > _MAX_POTENTIAL:
            raise ValueError(_("A potential is a positive amount."))
        item.values["potential"] = potential.quantize(Decimal("0.01"))
    except ValueError as exc:
        item.error("potential", str(exc))


def _parse_row(
    row: int, cells: list[object], columns: dict[str, int], lookups: dict[str, dict[str, str]]
) -> _PartnerRow:
    """Validate one row field by field; the errors stay on the returned row."""
    item = _PartnerRow(row=row, code=_text(cells, columns["code"]), values={})
    _required_text(item, cells, columns, "code", _("The partner code is missing."))
    item.values["name"] = _required_text(item, cells, columns, "name", _("The company name is missing."))
    for name in ("kind", "organisation", "channel"):
        if name in columns:
            _parse_choice(item, name, _text(cells, columns[name]), lookups[name])
    _parse_place(item, cells, columns)
    if {"siret", "siren", "vat", "siret_or_vat"} & set(columns):
        _parse_identifiers(item, cells, columns)
    if "potential" in columns:
        _parse_potential(item, _cell(cells, columns["potential"]))
    if "parent_code" in columns:
        item.parent_code = _text(cells, columns["parent_code"])
    return item


def _columns_check(table: Table) -> tuple[dict[str, int], list[str]]:
    """The file's columns by field, and the unknown headers; ApplicationError when a required one is missing."""
    columns, unknown = columns_map(table.headers, PARTNER_COLUMNS)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ApplicationError(
            _("The file has no %(columns)s column (found: %(headers)s).")
            % {"columns": ", ".join(missing), "headers": ", ".join(h for h in table.headers if h) or "—"}
        )
    return columns, unknown


def _rows_parse(*, table: Table, columns: dict[str, int]) -> _ParsedFile:
    """Every row validated; a code seen on an earlier good row rejects the later one."""
    lookups = {
        "kind": _choice_lookup(_KIND_WORDS, PartnerKind),
        "organisation": _choice_lookup(_ORGANISATION_WORDS, Organisation),
        "channel": _choice_lookup(_CHANNEL_WORDS, Channel),
    }
    parsed = _ParsedFile()
    good = parsed.good
    for row, cells in table.rows:
        item = _parse_row(row, cells, columns, lookups)
        if item.code and item.code in good:
            item.error(
                "code",
                _("The code %(code)s already appears on row %(row)s.")
                % {"code": item.code, "row": good[item.code].row},
            )
        if item.errors:
            parsed.reject(item)
            if item.code and item.code not in good:
                parsed.rejected.setdefault(item.code, row)
            continue
        good[item.code] = item
    return parsed


def _resolve_parents(
    *, brand: Brand, good: dict[str, _PartnerRow], rejected: dict[str, int]
) -> list[_PartnerRow]:
    """Reject (remove from ``good``, return) rows whose parent is unknown, or rejected and not already in
    the network, or makes a loop. Repeats until stable, since rejecting a parent row can strand its children.
    """
    db_parents: dict[str, str | None] = dict(
        PartnerCompany.objects.filter(brand=brand).values_list("code", "parent__code")
    )
    dropped: list[_PartnerRow] = []
    while True:
        parents = dict(db_parents)
        for code, item in good.items():
            if item.parent_code is not None:
                parents[code] = item.parent_code or None
        newly_rejected: list[_PartnerRow] = []
        for code, item in good.items():
            parent = item.parent_code
            if not parent:
                continue
            if parent == code:
                item.errors.append(
                    RowError(item.row, "parent_code", _("A partner cannot be its own parent."))
                )
            elif parent not in good and parent not in db_parents:
                if parent in rejected:
                    message = _("The parent %(code)s is on row %(row)s, which was rejected.") % {
                        "code": parent,
                        "row": rejected[parent],
                    }
                else:
                    message = _("No partner with the code %(code)s in this file or in the network.") % {
                        "code": parent
                    }
                item.errors.append(RowError(item.row, "parent_code", message))
            else:
                seen = {code}
                node: str | None = parent
                while node is not None and node not in seen:
                    seen.add(node)
                    node = parents.get(node)
                if node is not None:
                    item.errors.append(
                        RowError(
                            item.row,
                            "parent_code",
                            _("Parent %(code)s makes a loop: a partner would be its own parent.")
                            % {"code": parent},
                        )
                    )
            if item.errors:
                newly_rejected.append(item)
        if not newly_rejected:
            return dropped
        dropped += newly_rejected
        for item in newly_rejected:
            del good[item.code]
            rejected[item.code] = item.row


def _creation_levels(
    to_create: list[PartnerCompany], good: dict[str, _PartnerRow]
) -> list[list[PartnerCompany]]:
    """New partners grouped by depth among new partners: level 0 has no new parent, level 1 a level-0
    parent, and so on (loops were refused before), so each level can be created after its parents."""
    new = {p.code: p for p in to_create}
    depth: dict[str, int] = {}
    for code in new:
        chain: list[str] = []
        node: str | None = code
        while node is not None and node in new and node not in depth:
            chain.append(node)
            node = good[node].parent_code or None
        level = depth[node] + 1 if node is not None and node in depth else 0
        for member in reversed(chain):
            depth[member] = level
            level += 1
    levels: list[list[PartnerCompany]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for code, partner in new.items():
        levels[depth[code]].append(partner)
    return levels


def _existing_partners(*, brand: Brand, good: dict[str, _PartnerRow]) -> dict[str, PartnerCompany]:
    """The brand's partners the file names (as rows or as parents), locked for the write."""
    wanted = {*good, *(i.parent_code for i in good.values() if i.parent_code)}
    candidates = PartnerCompany.objects.select_for_update().filter(brand=brand)
    # Beyond the limit, one scan of the brand beats a huge IN list (SQLite caps its parameters).
    if len(wanted) <= IN_LIST_LIMIT:
        candidates = candidates.filter(code__in=wanted)
    return {p.code: p for p in candidates if p.code in wanted}


@dataclass
class _WritePlan:
    """New partners to create, existing ones to update, and the fields the update writes."""

    to_create: list[PartnerCompany] = field(default_factory=list)
    to_update: list[PartnerCompany] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)


def _write_plan(
    *,
    brand: Brand,
    good: dict[str, _PartnerRow],
    existing: dict[str, PartnerCompany],
    written_fields: set[str],
) -> _WritePlan:
    """Compare each good row with its partner; identical partners are left out."""
    plan = _WritePlan()
    for code, item in good.items():
        partner = existing.get(code)
        if partner is None:
            values = {"organisation": Organisation.MULTI_BRAND, **item.values}
            plan.to_create.append(PartnerCompany(brand=brand, code=code, **values))
            continue
        changes = {k: v for k, v in item.values.items() if k in written_fields and getattr(partner, k) != v}
        for k, v in changes.items():
            setattr(partner, k, v)
        if changes:
            plan.changed_fields.update(changes)
            plan.to_update.append(partner)
    return plan


def _parents_relink(
    *,
    good: dict[str, _PartnerRow],
    existing: dict[str, PartnerCompany],
    ids: dict[str, int],
    plan: _WritePlan,
) -> None:
    """Point existing partners at the parent their row names (a blank cell detaches)."""
    updated_codes = {p.code for p in plan.to_update}
    for partner in (existing[c] for c in good if c in existing):
        parent_code = good[partner.code].parent_code
        parent_id = ids[parent_code] if parent_code else None
        if partner.parent_id != parent_id:
            partner.parent_id = parent_id
            plan.changed_fields.add("parent")
            if partner.code not in updated_codes:
                plan.to_update.append(partner)


def _partners_write(
    *, brand: Brand, good: dict[str, _PartnerRow], columns: dict[str, int]
) -> tuple[int, int]:
    """Create and update the good rows' partners (bulk, parents first); returns (created, updated)."""
    written_fields = {f for column in columns for f in _COLUMN_FIELDS.get(column, ())}
    existing = _existing_partners(brand=brand, good=good)
    now = timezone.now()
    plan = _write_plan(brand=brand, good=good, existing=existing, written_fields=written_fields)
    # Parents are created before their children, so every new row is written once with its parent.
    ids = {p.code: p.pk for p in existing.values()}
    for level in _creation_levels(plan.to_create, good):
        for partner in level:
            parent_code = good[partner.code].parent_code
            partner.parent_id = ids[parent_code] if parent_code else None
        PartnerCompany.objects.bulk_create(level, batch_size=500)
        ids.update({p.code: p.pk for p in level})
    if "parent_code" in columns:
        _parents_relink(good=good, existing=existing, ids=ids, plan=plan)
    for partner in plan.to_update:
        partner.updated_at = now
    if plan.to_update:
        PartnerCompany.objects.bulk_update(
            plan.to_update, [*sorted(plan.changed_fields), "updated_at"], batch_size=500
        )
    return len(plan.to_create), len(plan.to_update)


def partners_import(*, brand: Brand, table: Table, dry_run: bool = False) -> ImportReport:
    """Upsert the brand's partner companies from ``table`` by code, in one transaction, row by row report.

    Each row is validated field by field (identifiers with their check digits, country by code or name,
    kinds and organisations in English or French). The parent code may point to a row anywhere in the file
    or to a partner already in the network; unknown parents and loops reject the row (and rows whose parent
    was rejected, unless that parent already exists). New partners are written with one ``bulk_create``,
    changed ones with one ``bulk_update``; identical ones are left alone. A column absent from the file
    leaves that field untouched; a blank cell empties it. ``dry_run`` reports without writing.
    Raises ApplicationError when a required column is missing.

    Tiers and segment memberships are not recomputed here (tiers read the sell-out, above the network):
    entry points call ``relais.followups.network.partners_import``, which runs this and then the
    follow-up in the same transaction.
    """
    columns, unknown = _columns_check(table)
    parsed = _rows_parse(table=table, columns=columns)
    report = ImportReport(unknown_columns=unknown, dry_run=dry_run)
    with transaction.atomic():
        if "parent_code" in columns:
            for item in _resolve_parents(brand=brand, good=parsed.good, rejected=parsed.rejected):
                parsed.reject(item)
        report.created, report.updated = _partners_write(brand=brand, good=parsed.good, columns=columns)
        report.unchanged = len(parsed.good) - report.created - report.updated
        if dry_run:
            transaction.set_rollback(True)
    report.errors = parsed.errors
    report.rejected = len(parsed.rejected_rows)
    return report


def partners_import_file(
    *, brand: Brand, content: bytes, filename: str = "", dry_run: bool = False
) -> ImportReport:
    """``partners_import`` on the bytes of a CSV or spreadsheet file."""
    return partners_import(brand=brand, table=table_read(content=content, filename=filename), dry_run=dry_run)
