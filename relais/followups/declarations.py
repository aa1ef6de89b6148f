"""After a declaration is counted: its rollups (insights), then its points (incentives).

The sell-out domain writes declarations and says nothing of what follows; the doors that declare (the web
form, the API, EDIFACT, the file-import job, the management command) and the brand's review call the
workflows here, which call the sell-out service and then ``declaration_counted``, explicitly and in order.
To add a consequence of a declaration counted, add one call to ``declaration_counted`` and a test in
``relais/followups/tests/``. Before, each door hands the partner's running challenges to the anomaly checks
of its lines (``challenge_windows_of``: the checks look harder at a challenge's last days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from relais.core.jobs import job_enqueue
from relais.core.models import Job
from relais.followups import webhooks
from relais.followups.funds import declaration_accrual
from relais.followups.programs import score_enqueue
from relais.followups.promotions import declaration_promotions
from relais.incentives.selectors import partner_running_challenge_windows
from relais.insights.services import rollup_enqueue
from relais.privacy.services import feedback_scrub_stored
from relais.sellout import edifact, review
from relais.sellout import services as sellout
from relais.sellout.anomalies.windows import ChallengeWindow, challenge_windows_given
from relais.sellout.ingest.engine import BATCH_ROWS
from relais.sellout.models import Declaration, DeclarationLine, SelloutImport

if TYPE_CHECKING:
    from relais.accounts.models import User
    from relais.api.models import ApiKey
    from relais.network.models import PartnerCompany, Site
    from relais.sellout.ingest.engine import IngestResult

# The job that runs a confirmed file import (its handler: relais.followups.tasks.sellout_import_job).
IMPORT_JOB_KIND = "sellout_import"


@transaction.atomic
def declaration_counted(*, declaration: Declaration) -> None:
    """After the counted lines of a declaration changed (submitted, a line reviewed): rebuild the rollups of
    its partner and months (insights), then post, confirm or reverse its points (incentives), as background
    jobs run after commit. Both are idempotent, so a second call only does the work again. First, e-mail
    addresses and phone numbers leave its customers' comments (privacy), in the transaction that counts them;
    the points are scored with the partner's tier multiplier (programs), and its accrued marketing funds are
    recomputed (funds). One transaction: every job starts once all are queued, and none meets another's
    half-written rows."""
    feedback_scrub_stored(brand=declaration.brand, declaration_ids=[declaration.pk])
    rollup_enqueue(brand=declaration.brand, declaration=declaration)
    score_enqueue(declaration=declaration)
    declaration_promotions(declaration=declaration)
    declaration_accrual(declaration=declaration)
    webhooks.declaration_validated(declaration=declaration)  # the brand's endpoints, sent after commit


def challenge_windows_of(partner: PartnerCompany) -> list[ChallengeWindow]:
    """The partner's running challenges (incentives) as the plain windows the anomaly checks take."""
    return [
        ChallengeWindow(name=name, start=start, end=end)
        for name, start, end in partner_running_challenge_windows(partner=partner)
    ]


def _counted_if_submitted(declaration: Declaration) -> None:
    """A draft counts nowhere; once submitted, its lines do."""
    if declaration.status != Declaration.Status.DRAFT:
        declaration_counted(declaration=declaration)


@transaction.atomic
def declaration_submit(
    *, declaration: Declaration, user: User | None = None, api_key: ApiKey | None = None
) -> Declaration:
    """Submit a draft (``relais.sellout.services.declaration_submit``), then its lines count."""
    declaration = sellout.declaration_submit(declaration=declaration, user=user, api_key=api_key)
    declaration_counted(declaration=declaration)
    return declaration


@transaction.atomic
def declaration_declare(
    *,
    partner: PartnerCompany,
    lines: Sequence[Mapping[str, object]],
    source: str,
    period_start: dt.date,
    period_end: dt.date,
    site: Site | None = None,
    user: User | None = None,
    api_key: ApiKey | None = None,
    submit: bool = True,
) -> tuple[Declaration, IngestResult]:
    """Declare in one go (``relais.sellout.services.declaration_declare``), then, when it was submitted, its
    lines count."""
    with challenge_windows_given(challenge_windows_of(partner)):
        declaration, result = sellout.declaration_declare(
            partner=partner,
            lines=lines,
            source=source,
            period_start=period_start,
            period_end=period_end,
            site=site,
            user=user,
            api_key=api_key,
            submit=submit,
        )
    _counted_if_submitted(declaration)
    return declaration, result


@transaction.atomic
def declaration_lines_add(
    *,
    declaration: Declaration,
    rows: Sequence[Mapping[str, object]],
    first_row_number: int = 1,
    another_sale: bool = False,
    count_rejected: bool = True,
) -> IngestResult:
    """Add lines to a draft (``relais.sellout.services.declaration_lines_add``, the web form's door) with
    the partner's running challenges handed to the anomaly checks; a draft counts nowhere yet."""
    with challenge_windows_given(challenge_windows_of(declaration.partner)):
        return sellout.declaration_lines_add(
            declaration=declaration,
            rows=rows,
            first_row_number=first_row_number,
            another_sale=another_sale,
            count_rejected=count_rejected,
        )


@transaction.atomic
def edifact_declaration_import(
    *,
    partner: PartnerCompany,
    text: str,
    created_by: User | None = None,
    api_key: ApiKey | None = None,
) -> edifact.EdifactOutcome:
    """Declare an EDIFACT SLSRPT file (``relais.sellout.edifact.edifact_declaration_import``: one declaration
    per message and place of sale, each through ``declaration_declare``), then the lines of each count."""
    with challenge_windows_given(challenge_windows_of(partner)):
        outcome = edifact.edifact_declaration_import(
            partner=partner, text=text, created_by=created_by, api_key=api_key
        )
    for declaration in outcome.declarations:
        _counted_if_submitted(declaration)
    return outcome


@transaction.atomic
def line_review(*, line: DeclarationLine, approve: bool, user: User) -> DeclarationLine:
    """The brand approves or rejects a flagged line (``relais.sellout.review.line_review``); the lines of a
    submitted declaration count, so its rollups and points follow (a draft's do not)."""
    reviewed = review.line_review(line=line, approve=approve, user=user)
    _counted_if_submitted(reviewed.declaration)
    return reviewed


@transaction.atomic
def sellout_import_confirm(
    *,
    sellout_import: SelloutImport,
    mapping: dict[str, str],
    user: User | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Job:
    """Save the mapping (``relais.sellout.services.sellout_import_confirm``) and queue the import as a
    ``sellout_import`` job, run after commit."""
    request = sellout.sellout_import_confirm(
        sellout_import=sellout_import, mapping=mapping, period_start=period_start, period_end=period_end
    )
    return _import_job_enqueue(request, user=user)


@transaction.atomic
def sellout_import_retry(*, sellout_import: SelloutImport, user: User | None = None) -> Job:
    """Queue a failed import again (``relais.sellout.services.sellout_import_retry``), with the mapping and
    period it was confirmed with."""
    return _import_job_enqueue(sellout.sellout_import_retry(sellout_import=sellout_import), user=user)


def _import_job_enqueue(request: sellout.ImportRequest, *, user: User | None) -> Job:
    sellout_import = request.sellout_import
    job = job_enqueue(
        kind=IMPORT_JOB_KIND,
        payload=request.payload(),
        brand=sellout_import.brand,
        partner=sellout_import.partner,
        created_by=user,
    )
    sellout.sellout_import_job_attach(sellout_import=sellout_import, job=job)
    return job


def sellout_import_run(
    *,
    sellout_import: SelloutImport,
    job: Job | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    batch_rows: int = BATCH_ROWS,
) -> IngestResult:
    """Run a mapped file import (``relais.sellout.services.sellout_import_run``: its own transaction, kept
    whole or not at all), then the lines of the declaration it submitted count.

    Not one transaction with the follow-ups: a failed import records its failure, which a rollback of an
    outer transaction would erase; the follow-up jobs are queued once the import is committed.
    """
    with challenge_windows_given(challenge_windows_of(sellout_import.partner)):
        result = sellout.sellout_import_run(
            sellout_import=sellout_import,
            job=job,
            period_start=period_start,
            period_end=period_end,
            batch_rows=batch_rows,
        )
    sellout_import.refresh_from_db(fields=["declaration"])
    if sellout_import.declaration is not None:
        _counted_if_submitted(sellout_import.declaration)
    return result
