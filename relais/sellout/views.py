"""Sell-out pages: the partner's declarations (web form, file upload with mapping, EDIFACT) and the brand's
review and export. Views are thin: access helper first, then selectors and services."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.access import (
    access_brand_partner_scope,
    access_brand_staff,
    access_partner_declarations_scope,
    access_partner_user,
)
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.followups.declarations import (
    declaration_lines_add,
    declaration_submit,
    edifact_declaration_import,
    sellout_import_confirm,
    sellout_import_retry,
)
from relais.followups.reconciliation import reconciliation_apply
from relais.followups.review import lines_review, review_queue
from relais.sellout import export
from relais.sellout.forms import (
    BrandDeclarationFilterForm,
    DeclarationCreateForm,
    LineForm,
    MappingForm,
    UploadForm,
)
from relais.sellout.forms_review import ReviewForm, ReviewQueueFilterForm
from relais.sellout.models import (
    Declaration,
    DeclarationLine,
    ImportRowError,
    ReviewDecision,
    ReviewReason,
    SelloutImport,
    Source,
)
from relais.sellout.reconciliation import month_bounds
from relais.sellout.review import ReviewOutcome
from relais.sellout.review_messages import reconciliation_applied_message, review_outcome_message
from relais.sellout.review_queue import (
    brand_lines_by_ids,
    declaration_review_decisions,
    partner_review_decisions,
)
from relais.sellout.selectors import (
    BrandDeclarationFilter,
    brand_declaration_get,
    brand_declarations_filtered,
    brand_line_get,
    declaration_imports_with_rejections,
    declaration_line_latest_find,
    declaration_lines,
    partner_declaration_get,
    partner_declarations,
    partner_imports,
)
from relais.sellout.services import (
    FIELDS,
    NothingDeclared,
    declaration_create,
    declaration_discard,
    declaration_line_remove,
    sellout_import_create,
    sellout_import_propose_mapping,
)
from relais.sellout.views_imports import partner_import

PAGE_SIZE = 50


# --- Partner: declarations -------------------------------------------------------------------------------


@login_required
def my_declarations(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    scope = access_partner_declarations_scope(request.user)
    page = Paginator(partner_declarations(partner=partner, scope=scope), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    imports = partner_imports(partner=partner)[:5]
    form = DeclarationCreateForm(partner=partner, today=timezone.localdate())
    decisions = partner_review_decisions(partner=partner)
    return render(
        request,
        "sellout/my_declarations.html",
        {
            "page": page,
            "form": form,
            "imports": imports,
            "decisions": decisions,
            "own_only": scope is not None,
        },
    )


@login_required
@require_POST
def declaration_new(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    form = DeclarationCreateForm(request.POST, partner=partner, today=timezone.localdate())
    if not form.is_valid():
        scope = access_partner_declarations_scope(request.user)
        page = Paginator(partner_declarations(partner=partner, scope=scope), PAGE_SIZE).get_page(1)
        return render(request, "sellout/my_declarations.html", {"page": page, "form": form}, status=400)
    try:
        declaration = declaration_create(
            partner=partner,
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            source=Source.FORM,
            created_by=request.user,
            site=form.cleaned_data.get("site"),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("sellout:my_declarations")
    for warning in form.warnings:
        messages.warning(request, warning)
    return redirect("sellout:declaration_edit", declaration_id=declaration.pk)


def _partner_declaration(request: AuthedRequest, declaration_id: int) -> Declaration:
    partner = access_partner_user(request.user)
    scope = access_partner_declarations_scope(request.user)
    return partner_declaration_get(partner=partner, declaration_id=declaration_id, scope=scope)


def _line_form(
    declaration: Declaration, data: Any = None, *, previous: dict[str, object] | None = None
) -> LineForm:
    """A fresh line form; the date and channel of the previous line are kept for the next (fast entry)."""
    initial: dict[str, object] = {"sale_date": declaration.period_end.isoformat(), "channel": "in_store"}
    if previous:
        initial.update({k: previous[k] for k in ("sale_date", "channel") if previous.get(k)})
    return LineForm(data, initial=initial, prefix="line")


def _declaration_page(
    request: AuthedRequest, declaration: Declaration, form: LineForm | None = None, status: int = 200
) -> HttpResponse:
    # A file's lines in the file's order (they are stored by key); the form's (row 1 each) newest first.
    # Each line with the brand's decision on it, if any (the partner reads the reason, not who decided).
    lines = (
        declaration_lines(declaration=declaration)
        .order_by("source_row", "-pk")
        .prefetch_related(Prefetch("review_decisions", queryset=ReviewDecision.objects.order_by("-pk")))
    )
    return render(
        request,
        "sellout/declaration_edit.html",
        {
            "declaration": declaration,
            "lines": lines[:500],
            "form": form or _line_form(declaration),
            "is_draft": declaration.status == Declaration.Status.DRAFT,
        },
        status=status,
    )


@login_required
def declaration_edit(request: AuthedRequest, declaration_id: int) -> HttpResponse:
    """A declaration seen by its partner: its lines and, while a draft, the line entry form."""
    return _declaration_page(request, _partner_declaration(request, declaration_id))


@login_required
@require_POST
def declaration_line_add(request: AuthedRequest, declaration_id: int) -> HttpResponse:
    """Add one line through the ingest engine. htmx gets the new row (out of band) and a fresh form, or the
    form with the engine's errors on the fields they name; a plain post gets the page back."""
    declaration = _partner_declaration(request, declaration_id)
    if declaration.status != Declaration.Status.DRAFT:
        raise Http404
    form = _line_form(declaration, request.POST)
    added_line = None
    duplicate_message = ""
    if form.is_valid():
        row = form.as_row()
        try:
            result = declaration_lines_add(
                declaration=declaration,
                rows=[row],
                first_row_number=1,
                another_sale=form.cleaned_data.get("another_sale", False),
                count_rejected=False,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            for error in result.errors:
                if error.kind == ImportRowError.Kind.DUPLICATE:
                    duplicate_message = str(error.message)
                else:
                    form.add_engine_error(error.field, str(error.message))
            if result.stored:
                added_line = declaration_line_latest_find(declaration=declaration)
                form = _line_form(declaration, previous=row)
    declaration.refresh_from_db()
    if not request.headers.get("HX-Request"):
        # Without JavaScript the form posts normally: back to the page, with the errors if any.
        if added_line or (not form.errors and duplicate_message):
            if duplicate_message:
                messages.warning(request, duplicate_message)
            return redirect("sellout:declaration_edit", declaration_id=declaration.pk)
        return _declaration_page(request, declaration, form, status=422)
    return render(
        request,
        "sellout/partials/line_entry.html",
        {
            "declaration": declaration,
            "form": form,
            "added_line": added_line,
            "duplicate_message": duplicate_message,
            "offer_another_sale": bool(duplicate_message) and not form.cleaned_data.get("another_sale"),
            "is_draft": True,
        },
    )


@login_required
@require_POST
def declaration_submit_view(request: AuthedRequest, declaration_id: int) -> HttpResponse:
    declaration = _partner_declaration(request, declaration_id)
    try:
        declaration_submit(declaration=declaration, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Declaration submitted. Thank you!"))
    return redirect("sellout:declaration_edit", declaration_id=declaration.pk)


@login_required
@require_POST
def declaration_line_remove_view(request: AuthedRequest, declaration_id: int, line_id: int) -> HttpResponse:
    declaration = _partner_declaration(request, declaration_id)
    try:
        declaration_line_remove(declaration=declaration, line_id=line_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Line removed."))
    return redirect("sellout:declaration_edit", declaration_id=declaration.pk)


@login_required
@require_POST
def declaration_discard_view(request: AuthedRequest, declaration_id: int) -> HttpResponse:
    declaration = _partner_declaration(request, declaration_id)
    try:
        declaration_discard(declaration=declaration)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("sellout:declaration_edit", declaration_id=declaration.pk)
    messages.success(request, _("Draft discarded."))
    return redirect("sellout:my_declarations")


# --- Partner: file upload ---------------------------------------------------------------------------------


@login_required
def import_upload(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            if form.is_edifact:
                text = uploaded.read().decode("utf-8", errors="replace")
                outcome = edifact_declaration_import(partner=partner, text=text, created_by=request.user)
                return render(
                    request,
                    "sellout/edifact_result.html",
                    {
                        "declaration": outcome.declaration,
                        "declarations": outcome.declarations,
                        "declared": outcome.declared,
                        "result": outcome.result,
                        "file_name": uploaded.name,
                    },
                )
            sellout_import = sellout_import_create(
                partner=partner, uploaded_file=uploaded, created_by=request.user
            )
        except NothingDeclared as exc:
            return render(
                request,
                "sellout/edifact_result.html",
                {
                    "declaration": None,
                    "result": exc.result,
                    "file_name": uploaded.name,
                    "message": exc.message,
                },
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("sellout:import_mapping", import_id=sellout_import.pk)
    recent = partner_imports(partner=partner)[:10]
    return render(request, "sellout/import_upload.html", {"form": form, "imports": recent})


@login_required
def import_mapping(request: AuthedRequest, import_id: int) -> HttpResponse:
    """Show the proposed mapping (a select per field, preselected, with confidence and sample rows);
    POST confirms it and starts the import job."""
    sellout_import = partner_import(request, import_id)
    if sellout_import.status != SelloutImport.Status.UPLOADED:
        return redirect("sellout:import_detail", import_id=sellout_import.pk)
    try:
        proposal = sellout_import_propose_mapping(sellout_import=sellout_import)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("sellout:import_upload")
    form = MappingForm(
        request.POST or None,
        fields_spec=FIELDS,
        headers=list(proposal.headers),
        proposed=dict(proposal.mapping),
    )
    if request.method == "POST" and form.is_valid():
        try:
            sellout_import_confirm(
                sellout_import=sellout_import,
                mapping=form.mapping,
                user=request.user,
                period_start=form.cleaned_data.get("period_start"),
                period_end=form.cleaned_data.get("period_end"),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("sellout:import_detail", import_id=sellout_import.pk)
    confidence = dict(getattr(proposal, "confidence", {}) or {})
    rows = [
        {
            "name": spec.name,
            "label": spec.label,
            "required": spec.required,
            "field": form[f"map_{spec.name}"],
            "confidence": round(float(confidence.get(spec.name, 0) or 0) * 100),
        }
        for spec in FIELDS
    ]
    return render(
        request,
        "sellout/import_mapping.html",
        {
            "sellout_import": sellout_import,
            "proposal": proposal,
            "form": form,
            "rows": rows,
            "headers": list(proposal.headers),
            # (header, cell) pairs: the phone shows each row as a card of named values.
            "sample_rows": [
                list(zip(proposal.headers, r, strict=False)) for r in list(proposal.sample_rows)[:5]
            ],
        },
    )


@login_required
@require_POST
def import_retry(request: AuthedRequest, import_id: int) -> HttpResponse:
    """Run a failed import again (nothing of the failed run was kept)."""
    sellout_import = partner_import(request, import_id)
    try:
        sellout_import_retry(sellout_import=sellout_import, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("sellout:import_detail", import_id=sellout_import.pk)


# --- Brand: declarations, review, export ----------------------------------------------------------------


def _brand_filtered(
    request: AuthedRequest,
) -> tuple[BrandDeclarationFilterForm, QuerySet[Declaration], QuerySet[DeclarationLine]]:
    brand = access_brand_staff(request.user)
    form = BrandDeclarationFilterForm(request.GET or None, brand=brand)
    criteria = BrandDeclarationFilter()
    if form.is_valid():
        data = form.cleaned_data
        criteria = BrandDeclarationFilter(
            partner=data.get("partner"),
            period_from=data.get("period_from"),
            period_to=data.get("period_to"),
            status=data.get("status") or "",
            source=data.get("source") or "",
            flagged=bool(data.get("flagged")),
        )
    criteria = replace(criteria, scope=access_brand_partner_scope(request.user))
    declarations, lines = brand_declarations_filtered(brand=brand, criteria=criteria)
    return form, declarations, lines


@login_required
def brand_declaration_list(request: AuthedRequest) -> HttpResponse:
    form, declarations, _lines = _brand_filtered(request)
    page = Paginator(declarations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sellout/brand_declaration_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
def brand_declaration_detail(request: AuthedRequest, declaration_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    declaration = brand_declaration_get(
        brand=brand, declaration_id=declaration_id, scope=access_brand_partner_scope(request.user)
    )
    only_flagged = request.GET.get("flagged") == "1"
    lines = declaration_lines(declaration=declaration, only_flagged=only_flagged)
    if not only_flagged:  # the review queue keeps its order: most at stake first
        lines = lines.order_by("status", "sale_date", "pk")
    lines = lines.prefetch_related(
        Prefetch("review_decisions", queryset=ReviewDecision.objects.order_by("-pk"))
    )
    page = Paginator(lines, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "sellout/brand_declaration_detail.html",
        {
            "declaration": declaration,
            "page": page,
            "only_flagged": only_flagged,
            "decisions": declaration_review_decisions(declaration=declaration)[:200],
            "reasons": ReviewReason.choices,
            "rejected_imports": declaration_imports_with_rejections(declaration=declaration),
        },
    )


@login_required
@require_POST
def brand_line_review(request: AuthedRequest, line_id: int) -> HttpResponse:
    """Approve or reject a flagged line with a reason (the brand's default when none is chosen); htmx gets the
    updated row, a plain form post a redirect."""
    brand = access_brand_staff(request.user)
    line = brand_line_get(brand=brand, line_id=line_id, scope=access_brand_partner_scope(request.user))
    approve = request.POST.get("decision") == "approve"
    reason = request.POST.get("reason") or (ReviewReason.CHECKED if approve else ReviewReason.OTHER)
    error = ""
    try:
        outcome = lines_review(
            brand=brand,
            line_ids=[line.pk],
            approve=approve,
            reason_code=reason,
            note=request.POST.get("note", ""),
            user=request.user,
        )
    except ApplicationError as exc:
        error = exc.message
    else:
        if not outcome.decided:
            error = _("This line was already reviewed.")
    line.refresh_from_db()
    if request.headers.get("HX-Request"):
        declaration = brand_declaration_get(brand=brand, declaration_id=line.declaration_id)
        response = render(
            request,
            "sellout/partials/brand_line_row.html",
            {"line": line, "error": error, "declaration": declaration, "oob_counters": True},
        )
        return response
    if error:
        messages.error(request, error)
    return redirect("sellout:brand_declaration_detail", declaration_id=line.declaration_id)


@login_required
def brand_lines_export(request: AuthedRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The lines of the filtered declarations, as CSV (streamed) or XLSX."""
    _form, _declarations, lines = _brand_filtered(request)
    lines = lines.select_related(None)
    today = timezone.localdate()
    if fmt == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            export.lines_csv_stream(lines), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = StreamingHttpResponse(
            export.lines_xlsx_stream(lines),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{export.export_filename(fmt, today)}"'
    return response


# --- Brand: the review queue, and the reconciliation applied to the points -------------------------------


@login_required
def brand_review_queue(request: AuthedRequest) -> HttpResponse:
    """Flagged lines and suspicious partners, most at stake first, filterable, with a bulk review form."""
    brand = access_brand_staff(request.user)
    form = ReviewQueueFilterForm(request.GET or None, brand=brand)
    queue = review_queue(
        brand=brand, criteria=replace(form.criteria(), scope=access_brand_partner_scope(request.user))
    )
    page = Paginator(queue.lines, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "queue": queue, "page": page, "query": query.urlencode()}
    return render(request, "sellout/brand_review_queue.html", {**context, "reasons": ReviewReason.choices})


def _in_scope(request: AuthedRequest, brand: Any, line_ids: list[int]) -> list[int]:
    """The ids among ``line_ids`` of lines the brand user may act on (its scope); the others are left out."""
    scope = access_brand_partner_scope(request.user)
    if scope is None:
        return list(line_ids)
    return [line.pk for line in brand_lines_by_ids(brand=brand, line_ids=list(line_ids), scope=scope)]


@login_required
@require_POST
def brand_review_bulk(request: AuthedRequest) -> HttpResponse:
    """Approve or reject the selected lines with a reason. htmx gets the message and the decided rows (their
    badges swapped in place); a plain post a redirect back to the queue."""
    brand = access_brand_staff(request.user)
    form = ReviewForm(request.POST)
    outcome = ReviewOutcome()
    error = ""
    if form.is_valid():
        try:
            outcome = lines_review(
                brand=brand,
                line_ids=_in_scope(request, brand, form.cleaned_data["line"]),
                approve=form.approve,
                reason_code=form.reason_code,
                note=form.cleaned_data.get("note") or "",
                user=request.user,
            )
        except ApplicationError as exc:
            error = exc.message
    else:
        error = " ".join(str(message) for errors in form.errors.values() for message in errors)
    message = error or review_outcome_message(
        decided=len(outcome.decided), skipped=len(outcome.skipped), approve=form.approve
    )
    if request.headers.get("HX-Request"):
        decided = brand_lines_by_ids(brand=brand, line_ids=[line.pk for line in outcome.decided])
        context = {"message": message, "error": bool(error), "lines": decided}
        return render(request, "sellout/partials/review_result.html", context)
    (messages.error if error else messages.success)(request, message)
    return redirect("sellout:brand_review_queue")


@login_required
@require_POST
def brand_reconciliation_apply(request: AuthedRequest) -> HttpResponse:
    """Apply the month's reconciliation to the points: released where a partner reconciles, held where not."""
    brand = access_brand_staff(request.user)
    period = request.POST.get("period") or ""
    try:
        start, end = month_bounds(period)
    except ValueError:
        messages.error(request, _("“%(period)s” is not a month: write it as 2026-03.") % {"period": period})
        return redirect("sellout:brand_reconciliation")
    outcome = reconciliation_apply(
        brand=brand, period_start=start, period_end=end, scope=access_brand_partner_scope(request.user)
    )
    messages.success(
        request,
        reconciliation_applied_message(released=outcome.released, held=outcome.held, unknown=outcome.unknown),
    )
    return redirect(f"{reverse('sellout:brand_reconciliation')}?{urlencode({'period': period})}")
