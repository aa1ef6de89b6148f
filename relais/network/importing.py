"""Loading a brand's partner network from a file: one row per partner company, upserted by (brand, code).

Columns (English or French headers, any order): ``code``, ``name``, ``kind``, ``country`` (required);
``organisation``, ``channel``, ``region``, ``city``, ``parent_code``, ``siret``, ``siren``, ``vat`` (or one
``siret_or_vat`` column), ``potential``. Kinds and organisations may be written in French ("distributeur",
"franchisé", "mono-marque"...). A parent may appear anywhere in the file, before or after its children, or
already be in the network. Bad rows are reported with their row number as in the file; good rows load; the
whole file is one transaction, followed by the tiers and segment recompute. See docs/imports.md.
"""

from __future__ import annotations

import importlib
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
from relais.followups.network import partner_tiers_refresh  # moved below in the layered house (to do)

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


def _cell(cells: list[object], index: int | None) -> object:
    if index is None or index >= len(cells):
        return ""
    return cells[index] if cells[index] is not None else ""


def _text(cells: list[object], index: int | None) -> str:
    return " ".join(str(_cell(cells, index)).split())


def _parse_row(
    row: int, cells: list[object], columns: dict[str, int], lookups: dict[str, dict[str, str]]
) -> _PartnerRow:
    """Validate one row field by field; the errors stay on the returned row."""
    item = _PartnerRow(row=row, code=_text(cells, columns["code"]), values={})
    errors = item.errors
    values = item.values

    def need(name: str, message: str) -> str:
        text = _text(cells, columns[name])
        if not text:
            errors.append(RowError(row, name, message))
        elif name in _FIELD_LENGTHS and len(text) > _FIELD_LENGTHS[name]:
            errors.append(
                RowError(
                    row, name, _("Keep it under %(count)s characters.") % {"count": _FIELD_LENGTHS[name]}
                )
            )
        return text

    need("code", _("The partner code is missing."))
    values["name"] = need("name", _("The company name is missing."))

    for name, words_field in (("kind", "kind"), ("organisation", "organisation"), ("channel", "channel")):
        if name not in columns:
            continue
        text = _text(cells, columns[name])
        if not text and name != "kind":
            values[name] = str(Organisation.MULTI_BRAND if name == "organisation" else Channel.RETAIL)
            continue
        found = lookups[words_field].get(header_key(text))
        if found is None:
            accepted = ", ".join(sorted({v for v in lookups[words_field].values()}))
            message = (
                _("The partner kind is missing (%(accepted)s).") % {"accepted": accepted}
                if not text
                else _("“%(value)s” is not a known %(field)s (%(accepted)s).")
                % {"value": text, "field": name, "accepted": accepted}
            )
            errors.append(RowError(row, name, message))
        else:
            values[name] = found

    try:
        values["country"] = normalise_country(_text(cells, columns["country"]))
    except ValueError as exc:
        errors.append(RowError(row, "country", str(exc)))
    if "region" in columns:
        try:
            values["region"] = normalise_region(_text(cells, columns["region"]))
        except ValueError as exc:
            errors.append(RowError(row, "region", str(exc)))
    if "city" in columns:
        values["city"] = _text(cells, columns["city"])
        if len(values["city"]) > _FIELD_LENGTHS["city"]:
            errors.append(RowError(row, "city", _("Keep it under %(count)s characters.") % {"count": 100}))

    siret_text = _text(cells, columns["siret"]) if "siret" in columns else ""
    siren_text = _text(cells, columns["siren"]) if "siren" in columns else ""
    vat_text = _text(cells, columns["vat"]) if "vat" in columns else ""
    if "siret_or_vat" in columns:
        combined = _text(cells, columns["siret_or_vat"])
        digits = combined.replace(" ", "")
        if digits.isdigit() and len(digits) == 14:
            siret_text = siret_text or combined
        elif digits.isdigit() and len(digits) == 9:
            siren_text = siren_text or combined
        elif combined:
            vat_text = vat_text or combined
    identifier_columns = {"siret", "siren", "vat", "siret_or_vat"} & set(columns)
    if identifier_columns:
        values.update(siret="", siren="", vat_number="")
        field_name = "siret_or_vat" if "siret_or_vat" in columns else None
        if siret_text:
            try:
                values["siret"] = validate_siret(siret_text)
                values["siren"] = values["siret"][:9]
            except ValueError as exc:
                errors.append(RowError(row, field_name or "siret", str(exc)))
        if siren_text:
            try:
                siren = validate_siren(siren_text)
                if values["siret"] and values["siret"][:9] != siren:
                    errors.append(RowError(row, "siren", _("The SIRET does not start with this SIREN.")))
                values["siren"] = siren
            except ValueError as exc:
                errors.append(RowError(row, field_name or "siren", str(exc)))
        if vat_text:
            try:
                values["vat_number"] = validate_vat(vat_text)
            except ValueError as exc:
                errors.append(RowError(row, field_name or "vat", str(exc)))

    if "potential" in columns:
        raw = _cell(cells, columns["potential"])
        if raw in ("", None):
            values["potential"] = None
        else:
            try:
                potential = parse_decimal(raw)
                if potential < 0 or potential > _MAX_POTENTIAL:
                    raise ValueError(_("A potential is a positive amount."))
                values["potential"] = potential.quantize(Decimal("0.01"))
            except ValueError as exc:
                errors.append(RowError(row, "potential", str(exc)))

    if "parent_code" in columns:
        item.parent_code = _text(cells, columns["parent_code"])
    return item


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


def _recompute_segments(*, brand: Brand) -> None:
    """Segment memberships follow the partners, when the network services provide the recompute."""
    try:
        services = importlib.import_module("relais.network.services")
    except ModuleNotFoundError as exc:
        if exc.name != "relais.network.services":
            raise
        return
    recompute = getattr(services, "segment_memberships_recompute", None)
    if recompute is not None:
        recompute(brand=brand)


def partners_import(*, brand: Brand, table: Table, dry_run: bool = False) -> ImportReport:
    """Upsert the brand's partner companies from ``table`` by code, in one transaction, row by row report.

    Each row is validated field by field (identifiers with their check digits, country by code or name,
    kinds and organisations in English or French). The parent code may point to a row anywhere in the file
    or to a partner already in the network; unknown parents and loops reject the row (and rows whose parent
    was rejected, unless that parent already exists). New partners are written with one ``bulk_create``,
    changed ones with one ``bulk_update``; identical ones are left alone. A column absent from the file
    leaves that field untouched; a blank cell empties it. Then potential/activity tiers and segment
    memberships are recomputed in the same transaction. ``dry_run`` reports without writing.
    Raises ApplicationError when a required column is missing.
    """
    columns, unknown = columns_map(table.headers, PARTNER_COLUMNS)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ApplicationError(
            _("The file has no %(columns)s column (found: %(headers)s).")
            % {"columns": ", ".join(missing), "headers": ", ".join(h for h in table.headers if h) or "—"}
        )
    lookups = {
        "kind": _choice_lookup(_KIND_WORDS, PartnerKind),
        "organisation": _choice_lookup(_ORGANISATION_WORDS, Organisation),
        "channel": _choice_lookup(_CHANNEL_WORDS, Channel),
    }
    report = ImportReport(unknown_columns=unknown, dry_run=dry_run)
    errors: list[RowError] = []
    good: dict[str, _PartnerRow] = {}
    rejected: dict[str, int] = {}
    rejected_rows: set[int] = set()
    for row, cells in table.rows:
        item = _parse_row(row, cells, columns, lookups)
        if item.code and item.code in good:
            item.errors.append(
                RowError(
                    row,
                    "code",
                    _("The code %(code)s already appears on row %(row)s.")
                    % {"code": item.code, "row": good[item.code].row},
                )
            )
        if item.errors:
            errors.extend(item.errors)
            rejected_rows.add(row)
            if item.code and item.code not in good:
                rejected.setdefault(item.code, row)
            continue
        good[item.code] = item

    written_fields = {f for column in columns for f in _COLUMN_FIELDS.get(column, ())}
    with transaction.atomic():
        if "parent_code" in columns:
            for item in _resolve_parents(brand=brand, good=good, rejected=rejected):
                errors.extend(item.errors)
                rejected_rows.add(item.row)
        wanted = {*good, *(i.parent_code for i in good.values() if i.parent_code)}
        candidates = PartnerCompany.objects.select_for_update().filter(brand=brand)
        # Beyond the limit, one scan of the brand beats a huge IN list (SQLite caps its parameters).
        if len(wanted) <= IN_LIST_LIMIT:
            candidates = candidates.filter(code__in=wanted)
        existing = {p.code: p for p in candidates if p.code in wanted}
        now = timezone.now()
        to_create: list[PartnerCompany] = []
        to_update: list[PartnerCompany] = []
        changed_fields: set[str] = set()
        for code, item in good.items():
            partner = existing.get(code)
            if partner is None:
                values = {"organisation": Organisation.MULTI_BRAND, **item.values}
                to_create.append(PartnerCompany(brand=brand, code=code, **values))
                continue
            changes = {
                k: v for k, v in item.values.items() if k in written_fields and getattr(partner, k) != v
            }
            for k, v in changes.items():
                setattr(partner, k, v)
            if changes:
                changed_fields.update(changes)
                to_update.append(partner)
        # Parents are created before their children, so every new row is written once with its parent.
        ids = {p.code: p.pk for p in existing.values()}
        for level in _creation_levels(to_create, good):
            for partner in level:
                parent_code = good[partner.code].parent_code
                partner.parent_id = ids[parent_code] if parent_code else None
            PartnerCompany.objects.bulk_create(level, batch_size=500)
            ids.update({p.code: p.pk for p in level})
        updated_codes = {p.code for p in to_update}
        if "parent_code" in columns:
            for partner in (existing[c] for c in good if c in existing):
                parent_code = good[partner.code].parent_code
                parent_id = ids[parent_code] if parent_code else None
                if partner.parent_id != parent_id:
                    partner.parent_id = parent_id
                    changed_fields.add("parent")
                    if partner.code not in updated_codes:
                        to_update.append(partner)
        for partner in to_update:
            partner.updated_at = now
        if to_update:
            PartnerCompany.objects.bulk_update(
                to_update, [*sorted(changed_fields), "updated_at"], batch_size=500
            )
        report.created = len(to_create)
        report.updated = len(to_update)
        report.unchanged = len(good) - len(to_create) - len(to_update)
        partner_tiers_refresh(brand=brand)
        _recompute_segments(brand=brand)
        if dry_run:
            transaction.set_rollback(True)
    report.errors = errors
    report.rejected = len(rejected_rows)
    return report


def partners_import_file(
    *, brand: Brand, content: bytes, filename: str = "", dry_run: bool = False
) -> ImportReport:
    """``partners_import`` on the bytes of a CSV or spreadsheet file."""
    return partners_import(brand=brand, table=table_read(content=content, filename=filename), dry_run=dry_run)
