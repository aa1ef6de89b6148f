"""Writes of the insights domain: rebuilding the sell-out rollups the dashboards read.

``rollup_refresh`` is idempotent: for each affected month it deletes the rollup rows of that month (for one
partner, or the whole brand) and rebuilds them with one ``INSERT … SELECT … GROUP BY`` per table, inside one
transaction per month that holds the brand's row lock, so two refreshes never interleave. The SQL is the
same on SQLite and PostgreSQL except for the month truncation.

Only accepted lines count: a flagged line waits for the brand's review and counts nowhere (rollups, cube,
benchmarks, exports) until approved; a rejected line never counts.

The cube of a partner's refresh moves by that partner's own difference (``_cube_apply_delta``: its rollup
totals before and after, spread over its segments and dimensions), in the same transaction: its cost does
not depend on the number of partners. A brand-wide refresh and ``cube_refresh`` rebuild the cube's months
from every partner's rollups: the reference the delta must equal, and the repair after segment memberships
or partner fields changed.

Call it (through the ``insights_rollup`` job, see ``rollup_enqueue``) after anything that changes counted
lines: an import or a declaration's lines, a brand review that rejects or restores lines. After segment
memberships are recomputed or partner fields change (the cube groups by them), ``cube_refresh_enqueue``
rebuilds the cube only. The job's handler is in ``tasks.py``. See docs/insights.md.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.catalog.models import Product
from relais.core.errors import ApplicationError
from relais.core.jobs import job_enqueue, job_progress
from relais.core.models import Brand, Job
from relais.insights.feedback import (
    DEFAULT_KEYWORDS,
    KEYWORDS_PER_THEME_MAX,
    ThemeClassifier,
    keywords_parse,
    theme_label,
)
from relais.insights.models import (
    CubeDimension,
    FeedbackThemeKeywords,
    FeedbackThemeRollup,
    ProductRollup,
    SelloutCube,
    SelloutRollup,
)
from relais.insights.periods import month_next, month_start, months_covering
from relais.insights.selectors.customer_feedback import feedback_classifier
from relais.insights.sql import as_date, month_sql, quoted_table
from relais.network.models import PartnerCompany, Segment, SegmentMembership
from relais.sellout.models import Declaration, DeclarationLine

# The lines the figures count: accepted ones only. A flagged line (an implausible price, say) counts
# nowhere until the brand approves it, which makes it accepted; a rejected one never counts.
COUNTED_STATUS = DeclarationLine.Status.ACCEPTED
ROLLUP_JOB_KIND = "insights_rollup"
FEEDBACK_THEMES_JOB_KIND = "insights_feedback_themes"
# The payload flag of an ``insights_rollup`` job that rebuilds the cube only (see ``cube_refresh_enqueue``).
CUBE_ONLY = "cube_only"


def _months_with_lines(*, brand: Brand, partner: PartnerCompany | None) -> set[dt.date]:
    # Distinct months in SQL: the line table can be large.
    sql = f"SELECT DISTINCT {month_sql('sale_date')} FROM {quoted_table(DeclarationLine)} WHERE brand_id = %s"  # noqa: S608
    params: list[Any] = [brand.pk]
    if partner is not None:
        sql += " AND partner_id = %s"
        params.append(partner.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {as_date(value) for (value,) in rows}


def _months_in_rollups(*, brand: Brand, partner: PartnerCompany | None) -> set[dt.date]:
    qs = SelloutRollup.objects.filter(brand=brand)
    if partner is not None:
        qs = qs.filter(partner=partner)
    months = set(qs.values_list("month", flat=True).distinct())
    if partner is None:
        months |= set(SelloutCube.objects.filter(brand=brand).values_list("month", flat=True).distinct())
    return months


def rollup_refresh(
    *,
    brand: Brand,
    partner: PartnerCompany | None = None,
    months: Iterable[dt.date] | None = None,
    job: Job | None = None,
) -> dict[str, int]:
    """Rebuild the rollups of ``brand`` for ``months`` (any date in a month stands for the month).

    With ``partner``, only that partner's rows are rebuilt, and the cube (which mixes partners) moves by the
    difference between that partner's rollups before and after: the cost is that partner's, whatever the
    size of the network. Without ``partner``, the cube's months are rebuilt from every partner's rollups.
    Without ``months``, every month that has lines or rollup rows is rebuilt. Running it twice gives the
    same rows. Returns counts.
    """
    if partner is not None and partner.brand_id != brand.pk:
        raise ValueError("partner belongs to another brand")
    if months is None:
        wanted = _months_with_lines(brand=brand, partner=partner) | _months_in_rollups(
            brand=brand, partner=partner
        )
    else:
        wanted = {month_start(m) for m in months}
    ordered = sorted(wanted)
    stats: Counter[str] = Counter()
    for done, month in enumerate(ordered, start=1):
        stats.update(_refresh_month(brand=brand, partner=partner, month=month))
        if job is not None:
            job_progress(job, done=done, total=len(ordered))
    stats["months"] = len(ordered)
    return dict(stats)


def cube_refresh(*, brand: Brand, job: Job | None = None) -> dict[str, int]:
    """Rebuild the brand's cube, every month, from the partner-grain rollups (which do not change).

    What segment memberships and the partner fields the cube groups by (country, region, kind) feed: a
    change of those needs no pass over the lines. Idempotent.
    """
    ordered = sorted(_months_in_rollups(brand=brand, partner=None))
    cube_rows = 0
    for done, month in enumerate(ordered, start=1):
        with transaction.atomic():
            Brand.objects.select_for_update().filter(pk=brand.pk).values_list("pk", flat=True).first()
            cube_rows += _rebuild_cube_month(brand=brand, month=month)
        if job is not None:
            job_progress(job, done=done, total=len(ordered))
    return {"months": len(ordered), "cube_rows": cube_rows}


@transaction.atomic
def _refresh_month(*, brand: Brand, partner: PartnerCompany | None, month: dt.date) -> dict[str, int]:
    # Serialise refreshes of one brand: delete + insert must not interleave with another refresh's.
    Brand.objects.select_for_update().filter(pk=brand.pk).values_list("pk", flat=True).first()
    end = month_next(month)
    line_t, product_t = quoted_table(DeclarationLine), quoted_table(Product)
    # A line counts once its declaration is submitted: a draft's lines are the partner's work in progress.
    # Correlated EXISTS, not "declaration_id IN (...)": with an IN list SQLite drives the scan from the
    # (declaration, status) index over every line of the brand instead of the month's date range (5x slower).
    drafts_out = f"EXISTS (SELECT 1 FROM {quoted_table(Declaration)} d WHERE d.id = l.declaration_id AND d.status <> %s)"  # noqa: S608
    where = "l.brand_id = %s AND l.sale_date >= %s AND l.sale_date < %s AND l.status = %s AND " + drafts_out
    params: list[Any] = [brand.pk, month, end, COUNTED_STATUS, Declaration.Status.DRAFT]
    scoped = SelloutRollup.objects.filter(brand=brand, month=month)
    products = ProductRollup.objects.filter(brand=brand, month=month)
    themes = FeedbackThemeRollup.objects.filter(brand=brand, month=month)
    before = _partner_measures(brand=brand, partner=partner, month=month) if partner is not None else {}
    if partner is not None:
        where += " AND l.partner_id = %s"
        params.append(partner.pk)
        scoped, products, themes = (
            scoped.filter(partner=partner),
            products.filter(partner=partner),
            themes.filter(partner=partner),
        )
    scoped.delete()
    products.delete()
    themes.delete()
    cents = "CAST(ROUND(l.amount * 100) AS BIGINT)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quoted_table(SelloutRollup)} "  # noqa: S608
            "(brand_id, month, partner_id, family, channel, currency, units, amount_cents, lines) "
            f"SELECT l.brand_id, %s, l.partner_id, COALESCE(p.family, ''), l.channel, l.currency, "
            f"SUM(l.quantity), SUM({cents}), COUNT(*) "
            f"FROM {line_t} l JOIN {product_t} p ON p.id = l.product_id WHERE {where} "
            "GROUP BY l.brand_id, l.partner_id, p.family, l.channel, l.currency",
            [month, *params],
        )
        rollup_rows = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {quoted_table(ProductRollup)} "  # noqa: S608
            "(brand_id, month, partner_id, product_id, units, amount_cents, lines) "
            f"SELECT l.brand_id, %s, l.partner_id, l.product_id, SUM(l.quantity), "
            f"SUM(CASE WHEN l.currency = %s THEN {cents} ELSE 0 END), COUNT(*) "
            f"FROM {line_t} l WHERE {where} "
            "GROUP BY l.brand_id, l.partner_id, l.product_id",
            [month, brand.currency, *params],
        )
        product_rows = cursor.rowcount
        # Comments are few: classify them in Python with the keyword classifier.
        cursor.execute(
            f"SELECT l.partner_id, l.feedback FROM {line_t} l WHERE {where} AND l.feedback <> ''",  # noqa: S608
            params,
        )
        counts = _theme_counts(cursor.fetchall(), feedback_classifier(brand=brand))
    FeedbackThemeRollup.objects.bulk_create(
        [
            FeedbackThemeRollup(brand=brand, month=month, partner_id=pid, theme=theme, lines=n)
            for (pid, theme), n in counts.items()
        ],
        batch_size=1000,
    )
    if partner is None:
        cube_rows = _rebuild_cube_month(brand=brand, month=month)
    else:
        after = _partner_measures(brand=brand, partner=partner, month=month)
        cube_rows = _cube_apply_delta(brand=brand, partner=partner, month=month, before=before, after=after)
    return {"rollup_rows": rollup_rows, "product_rows": product_rows, "cube_rows": cube_rows}


# The cube's breakdown dimensions and the SQL expression giving each one's key (r = rollup, pc = partner).
_CUBE_KEYS: dict[str, str] = {
    CubeDimension.TOTAL: "''",
    CubeDimension.FAMILY: "r.family",
    CubeDimension.CHANNEL: "r.channel",
    CubeDimension.COUNTRY: "pc.country",
    CubeDimension.REGION: "pc.country || '|' || pc.region",
    CubeDimension.KIND: "pc.kind",
}


def _rebuild_cube_month(*, brand: Brand, month: dt.date) -> int:
    SelloutCube.objects.filter(brand=brand, month=month).delete()
    rollup_t, partner_t = quoted_table(SelloutRollup), quoted_table(PartnerCompany)
    membership_t, segment_t = quoted_table(SegmentMembership), quoted_table(Segment)
    cube_t = quoted_table(SelloutCube)
    measures = "SUM(r.units), SUM(CASE WHEN r.currency = %s THEN r.amount_cents ELSE 0 END), SUM(r.lines)"
    columns = "(brand_id, month, segment_id, dimension, key, units, amount_cents, lines)"
    members = (
        f"JOIN {membership_t} sm ON sm.partner_id = r.partner_id AND sm.valid_to IS NULL "
        f"JOIN {segment_t} s ON s.id = sm.segment_id AND s.brand_id = r.brand_id"
    )
    rows = 0
    with connection.cursor() as cursor:
        for dimension, key in _CUBE_KEYS.items():
            # PostgreSQL refuses a constant in GROUP BY: the total has no key to group on.
            group_key = "" if key == "''" else f", {key}"
            # The whole network, then every segment at once (a partner counts in each of its segments).
            cursor.execute(
                f"INSERT INTO {cube_t} {columns} "  # noqa: S608
                f"SELECT r.brand_id, r.month, NULL, %s, {key}, {measures} "
                f"FROM {rollup_t} r JOIN {partner_t} pc ON pc.id = r.partner_id "
                f"WHERE r.brand_id = %s AND r.month = %s GROUP BY r.brand_id, r.month{group_key}",
                [str(dimension), brand.currency, brand.pk, month],
            )
            rows += cursor.rowcount
            cursor.execute(
                f"INSERT INTO {cube_t} {columns} "  # noqa: S608
                f"SELECT r.brand_id, r.month, sm.segment_id, %s, {key}, {measures} "
                f"FROM {rollup_t} r JOIN {partner_t} pc ON pc.id = r.partner_id {members} "
                f"WHERE r.brand_id = %s AND r.month = %s GROUP BY r.brand_id, r.month, sm.segment_id{group_key}",
                [str(dimension), brand.currency, brand.pk, month],
            )
            rows += cursor.rowcount
        cursor.execute(
            f"INSERT INTO {cube_t} {columns} "  # noqa: S608
            f"SELECT r.brand_id, r.month, NULL, %s, CAST(sm.segment_id AS TEXT), {measures} "
            f"FROM {rollup_t} r {members} "
            "WHERE r.brand_id = %s AND r.month = %s GROUP BY r.brand_id, r.month, sm.segment_id",
            [str(CubeDimension.SEGMENT), brand.currency, brand.pk, month],
        )
        rows += cursor.rowcount
    return rows


# A partner's rollup of one month, by (family, channel, currency): [units, amount_cents, lines].
Measures = dict[tuple[str, str, str], list[int]]
# A cube row's identity: (segment id or None for the whole network, dimension, key).
CubeKey = tuple[int | None, str, str]


def _partner_measures(*, brand: Brand, partner: PartnerCompany, month: dt.date) -> Measures:
    measures: Measures = {}
    rows = SelloutRollup.objects.filter(brand=brand, partner=partner, month=month).values_list(
        "family", "channel", "currency", "units", "amount_cents", "lines"
    )
    for family, channel, currency, *figures in rows:
        _add(measures, (family, channel, currency), figures)
    return measures


def _add(totals: dict[Any, list[int]], target: Any, figures: Iterable[int], sign: int = 1) -> None:
    """Add (or with ``sign=-1`` subtract) [units, amount_cents, lines] to ``totals[target]``."""
    total = totals.setdefault(target, [0, 0, 0])
    for i, value in enumerate(figures):
        total[i] += sign * value


def _cube_contributions(
    *, measures: Measures, currency: str, fields: tuple[str, str, str], segment_ids: list[int]
) -> dict[CubeKey, list[int]]:
    """What one partner's rollup of a month adds to each cube row: the same grouping as
    ``_rebuild_cube_month``, for that partner's current fields (country, region, kind) and segments."""
    country, region, kind = fields
    out: dict[CubeKey, list[int]] = {}
    for (family, channel, row_currency), (units, cents, lines) in measures.items():
        amount = cents if row_currency == currency else 0  # amounts only add up in the brand's currency
        keys = {
            CubeDimension.TOTAL: "",
            CubeDimension.FAMILY: family,
            CubeDimension.CHANNEL: channel,
            CubeDimension.COUNTRY: country,
            CubeDimension.REGION: f"{country}|{region}",
            CubeDimension.KIND: kind,
        }
        targets: list[CubeKey] = [
            (scope, str(dimension), key) for scope in (None, *segment_ids) for dimension, key in keys.items()
        ]
        targets += [(None, str(CubeDimension.SEGMENT), str(sid)) for sid in segment_ids]
        for target in targets:
            _add(out, target, (units, amount, lines))
    return out


def _cube_apply_delta(
    *, brand: Brand, partner: PartnerCompany, month: dt.date, before: Measures, after: Measures
) -> int:
    """Move the cube rows of ``month`` by the partner's difference ``after - before``; returns rows touched.

    A row whose figures come back to zero is deleted (a rebuild has no row for a group without lines), so
    the cube stays row for row what ``_rebuild_cube_month`` gives. A handful of queries whatever the number
    of partners: the partner's fields and segments, the rows concerned, then one bulk write of each kind.
    """
    if before == after:
        return 0
    fields = PartnerCompany.objects.filter(pk=partner.pk).values_list("country", "region", "kind").get()
    segment_ids = list(
        SegmentMembership.objects.filter(
            partner_id=partner.pk, valid_to__isnull=True, segment__brand_id=brand.pk
        ).values_list("segment_id", flat=True)
    )
    delta = _cube_contributions(
        measures=after, currency=brand.currency, fields=fields, segment_ids=segment_ids
    )
    old = _cube_contributions(
        measures=before, currency=brand.currency, fields=fields, segment_ids=segment_ids
    )
    for target, figures in old.items():
        _add(delta, target, figures, sign=-1)
    delta = {target: moved for target, moved in delta.items() if any(moved)}
    if not delta:
        return 0
    scopes = Q(segment__isnull=True) | Q(segment_id__in=segment_ids)
    existing = {
        (row.segment_id, row.dimension, row.key): row
        for row in SelloutCube.objects.filter(
            scopes,
            brand=brand,
            month=month,
            dimension__in={d for _, d, _ in delta},
            key__in={k for _, _, k in delta},
        )
    }
    changed: list[SelloutCube] = []
    created: list[SelloutCube] = []
    emptied: list[SelloutCube] = []
    for (segment_id, dimension, key), (units, cents, lines) in delta.items():
        row = existing.get((segment_id, dimension, key))
        if row is None:
            created.append(
                SelloutCube(
                    brand=brand,
                    month=month,
                    segment_id=segment_id,
                    dimension=dimension,
                    key=key,
                    units=units,
                    amount_cents=cents,
                    lines=lines,
                )
            )
            continue
        row.units += units
        row.amount_cents += cents
        row.lines += lines
        (emptied if row.units == row.amount_cents == row.lines == 0 else changed).append(row)
    if emptied:
        SelloutCube.objects.filter(pk__in=[row.pk for row in emptied]).delete()
    if changed:
        SelloutCube.objects.bulk_update(changed, ["units", "amount_cents", "lines"], batch_size=500)
    if created:
        SelloutCube.objects.bulk_create(created, batch_size=500)
    return len(delta)


def declaration_months(*, declaration: Declaration) -> set[dt.date]:
    """The months a declaration touches: those of its period and those of its lines' sale dates."""
    months = set(months_covering(declaration.period_start, declaration.period_end))
    dates = DeclarationLine.objects.filter(declaration=declaration).values_list("sale_date", flat=True)
    months |= {month_start(d) for d in dates.distinct()}
    return months


def rollup_after_declaration(*, declaration: Declaration) -> dict[str, int]:
    """Rebuild, now, the rollups a declaration's lines feed (its partner, the months it touches)."""
    return rollup_refresh(
        brand=declaration.brand,
        partner=declaration.partner,
        months=declaration_months(declaration=declaration),
    )


def rollup_enqueue(
    *,
    brand: Brand,
    partner: PartnerCompany | None = None,
    months: Iterable[dt.date] | None = None,
    declaration: Declaration | None = None,
) -> Job:
    """Schedule ``rollup_refresh`` as an ``insights_rollup`` job, run after the current transaction commits.

    With ``declaration``, its partner and months are used. This is what the follow-ups call after an import,
    a submitted declaration or a review. After a change of segment memberships or of partner fields, the
    lines did not change: ``cube_refresh_enqueue`` rebuilds the cube only.
    """
    if declaration is not None:
        partner = declaration.partner
        months = declaration_months(declaration=declaration)
    payload: dict[str, Any] = {
        "brand_id": brand.pk,
        "partner_id": partner.pk if partner is not None else None,
        "months": sorted(month_start(m).isoformat() for m in months) if months is not None else None,
    }
    return job_enqueue(kind=ROLLUP_JOB_KIND, payload=payload, brand=brand, partner=partner)


def cube_refresh_enqueue(*, brand: Brand) -> Job:
    """Schedule ``cube_refresh`` (the dashboard's grouping of the rollups by segment) as an
    ``insights_rollup`` job after commit: after segment memberships or partner fields changed."""
    return job_enqueue(kind=ROLLUP_JOB_KIND, payload={"brand_id": brand.pk, CUBE_ONLY: True}, brand=brand)


# --- feedback themes ----------------------------------------------------------------------------------


def _theme_counts(rows: Iterable[tuple[int, str]], classifier: ThemeClassifier) -> Counter[tuple[int, str]]:
    """(partner id, theme) -> number of comments, from (partner id, comment) rows."""
    counts: Counter[tuple[int, str]] = Counter()
    for partner_id, text in rows:
        for theme in classifier.themes(text):
            counts[(partner_id, theme)] += 1
    return counts


@transaction.atomic
def feedback_keywords_set(*, brand: Brand, by: User, keywords: dict[str, str]) -> list[str]:
    """Replace the brand's keyword lists of the given themes (``theme -> text typed in the box``, one
    keyword per line or comma-separated), then re-count the brand's comments by theme after commit.

    A list equal to the defaults is stored as "the defaults" (no row), so a later change of the defaults
    reaches it; an empty list is refused (a theme nobody can land in is a mistake). Returns the themes
    whose list changed.
    """
    if by.brand_id != brand.pk or not by.is_brand_user:
        raise ApplicationError(_("Only the brand's staff edit its feedback themes."))
    unknown = sorted(set(keywords) - set(DEFAULT_KEYWORDS))
    if unknown:
        raise ApplicationError(_("Unknown theme: %(themes)s.") % {"themes": ", ".join(unknown)})
    current = {
        row.theme: row for row in FeedbackThemeKeywords.objects.select_for_update().filter(brand=brand)
    }
    changed: list[str] = []
    for theme, text in keywords.items():
        parsed = keywords_parse(text)
        if not parsed:
            raise ApplicationError(
                _("Give at least one keyword for %(theme)s.") % {"theme": theme_label(theme)},
                extra={"field": theme},
            )
        if len(parsed) > KEYWORDS_PER_THEME_MAX:
            raise ApplicationError(
                _("At most %(n)s keywords per theme.") % {"n": KEYWORDS_PER_THEME_MAX}, extra={"field": theme}
            )
        row = current.get(theme)
        before = row.keywords if row is not None else list(DEFAULT_KEYWORDS[theme])
        if parsed == before:
            continue
        changed.append(theme)
        if parsed == list(DEFAULT_KEYWORDS[theme]):
            FeedbackThemeKeywords.objects.filter(brand=brand, theme=theme).delete()
        else:
            FeedbackThemeKeywords.objects.update_or_create(
                brand=brand, theme=theme, defaults={"keywords": parsed, "updated_by": by}
            )
    if changed:
        job_enqueue(kind=FEEDBACK_THEMES_JOB_KIND, payload={"brand_id": brand.pk}, brand=brand, created_by=by)
    return changed


def feedback_themes_refresh(*, brand: Brand, job: Job | None = None) -> dict[str, int]:
    """Re-count every month's comments of the brand by theme with its current keywords (the theme rollup
    only: the sell-out figures do not depend on keywords). Idempotent; comments are few, so they are
    classified in Python, one month per transaction under the brand's lock as ``rollup_refresh``."""
    months = sorted(
        set(FeedbackThemeRollup.objects.filter(brand=brand).values_list("month", flat=True).distinct())
        | _months_with_lines(brand=brand, partner=None)
    )
    classifier = feedback_classifier(brand=brand)
    line_t, decl_t = quoted_table(DeclarationLine), quoted_table(Declaration)
    rows = 0
    for done, month in enumerate(months, start=1):
        with transaction.atomic():
            Brand.objects.select_for_update().filter(pk=brand.pk).values_list("pk", flat=True).first()
            FeedbackThemeRollup.objects.filter(brand=brand, month=month).delete()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT l.partner_id, l.feedback FROM {line_t} l WHERE l.brand_id = %s "  # noqa: S608
                    "AND l.sale_date >= %s AND l.sale_date < %s AND l.status = %s AND l.feedback <> '' "
                    f"AND EXISTS (SELECT 1 FROM {decl_t} d WHERE d.id = l.declaration_id AND d.status <> %s)",
                    [brand.pk, month, month_next(month), COUNTED_STATUS, Declaration.Status.DRAFT],
                )
                counts = _theme_counts(cursor.fetchall(), classifier)
            FeedbackThemeRollup.objects.bulk_create(
                [
                    FeedbackThemeRollup(brand=brand, month=month, partner_id=pid, theme=theme, lines=n)
                    for (pid, theme), n in counts.items()
                ],
                batch_size=1000,
            )
            rows += len(counts)
        if job is not None:
            job_progress(job, done=done, total=len(months))
    return {"months": len(months), "theme_rows": rows}
