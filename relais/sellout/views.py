"""Sell-out pages: the partner's declarations (web form, file upload with mapping, EDIFACT) and the brand's
review and export. Views are thin: access helper first, then selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relais.accounts.access import access_brand_staff, access_partner_user
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.core.models import Job
from relais.followups.declarations import (
    declaration_submit,
    edifact_declaration_import,
    line_review,
    sellout_import_confirm,
    sellout_import_retry,
)
from relais.sellout import export
from relais.sellout.forms import (
    BrandDeclarationFilterForm,
    DeclarationCreateForm,
    LineForm,
    MappingForm,
    UploadForm,
)
from relais.sellout.models import Declaration, DeclarationLine, ImportRowError, SelloutImport, Source
from relais.sellout.selectors import (
    BrandDeclarationFilter,
    brand_declaration_get,
    brand_declarations_filtered,
    brand_line_get,
    declaration_line_latest_find,
    declaration_lines,
    import_row_errors,
    partner_declaration_get,
    partner_declarations,
    partner_import_get,
    partner_imports,
    partner_products_search,
)
from relais.sellout.services import (
    FIELDS,
    NothingDeclared,
    declaration_create,
    declaration_discard,
    declaration_line_remove,
    declaration_lines_add,
    sellout_import_create,
    sellout_import_propose_mapping,
)

PAGE_SIZE = 50


# --- Partner: declarations -------------------------------------------------------------------------------


@login_required
def my_declarations(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    page = Paginator(partner_declarations(partner=partner), PAGE_SIZE).get_page(request.GET.get("page"))
    imports = partner_imports(partner=partner)[:5]
    form = DeclarationCreateForm(partner=partner, today=timezone.localdate())
    return render(request, "sellout/my_declarations.html", {"page": page, "form": form, "imports": imports})


@login_required
@require_POST
def declaration_new(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    form = DeclarationCreateForm(request.POST, partner=partner, today=timezone.localdate())
    if not form.is_valid():
        page = Paginator(partner_declarations(partner=partner), PAGE_SIZE).get_page(1)
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
    return partner_declaration_get(partner=partner, declaration_id=declaration_id)


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
    lines = declaration_lines(declaration=declaration).order_by("source_row", "-pk")
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


@login_required
@require_GET
def product_search(request: AuthedRequest) -> HttpResponse:
    """htmx autocomplete over the partner's brand catalogue, by name or GTIN."""
    partner = access_partner_user(request.user)
    query = (request.GET.get("line-product_search") or request.GET.get("q") or "").strip()
    products = partner_products_search(partner=partner, query=query)
    return render(request, "sellout/partials/product_options.html", {"products": products, "query": query})


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


def _partner_import(request: AuthedRequest, import_id: int) -> SelloutImport:
    partner = access_partner_user(request.user)
    return partner_import_get(partner=partner, import_id=import_id)


@login_required
def import_mapping(request: AuthedRequest, import_id: int) -> HttpResponse:
    """Show the proposed mapping (a select per field, preselected, with confidence and sample rows);
    POST confirms it and starts the import job."""
    sellout_import = _partner_import(request, import_id)
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


def _import_result_context(sellout_import: SelloutImport) -> dict[str, Any]:
    return {
        "sellout_import": sellout_import,
        "job": sellout_import.job,
        "rejected_errors": import_row_errors(
            sellout_import=sellout_import, kind=ImportRowError.Kind.REJECTED
        )[:500],
        "duplicate_errors": import_row_errors(
            sellout_import=sellout_import, kind=ImportRowError.Kind.DUPLICATE
        )[:500],
        # A job that failed before the import could record it still ends the wait.
        "is_finished": sellout_import.status in {SelloutImport.Status.DONE, SelloutImport.Status.FAILED}
        or (sellout_import.job is not None and sellout_import.job.status == Job.Status.FAILED),
    }


@login_required
def import_detail(request: AuthedRequest, import_id: int) -> HttpResponse:
    """Progress while the import job runs (the bar polls /jobs/<id>/), then its outcome."""
    sellout_import = _partner_import(request, import_id)
    if sellout_import.status == SelloutImport.Status.UPLOADED:
        return redirect("sellout:import_mapping", import_id=sellout_import.pk)
    return render(request, "sellout/import_detail.html", _import_result_context(sellout_import))


@login_required
def import_result(request: AuthedRequest, import_id: int) -> HttpResponse:
    """htmx: the outcome fragment, fetched when the job's progress bar reports it finished."""
    sellout_import = _partner_import(request, import_id)
    return render(request, "sellout/partials/import_result.html", _import_result_context(sellout_import))


@login_required
@require_POST
def import_retry(request: AuthedRequest, import_id: int) -> HttpResponse:
    """Run a failed import again (nothing of the failed run was kept)."""
    sellout_import = _partner_import(request, import_id)
    try:
        sellout_import_retry(sellout_import=sellout_import, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("sellout:import_detail", import_id=sellout_import.pk)


@login_required
def import_rejected_csv(request: AuthedRequest, import_id: int) -> HttpResponse:
    sellout_import = _partner_import(request, import_id)
    response = HttpResponse(
        export.rejected_rows_csv(sellout_import=sellout_import), content_type="text/csv; charset=utf-8"
    )
    base = (sellout_import.original_name or f"import-{sellout_import.pk}").rsplit(".", 1)[0]
    safe = "".join(c for c in base if c.isalnum() or c in "-_")[:60] or "import"
    response["Content-Disposition"] = f'attachment; filename="{safe}-rejected.csv"'
    return response


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
    declarations, lines = brand_declarations_filtered(brand=brand, criteria=criteria)
    return form, declarations, lines


@login_required
def brand_declaration_list(request: AuthedRequest) -> HttpResponse:
    form, declarations, _lines = _brand_filtered(request)
    page = Paginator(declarations.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
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
    declaration = brand_declaration_get(brand=brand, declaration_id=declaration_id)
    only_flagged = request.GET.get("flagged") == "1"
    lines = declaration_lines(declaration=declaration, only_flagged=only_flagged)
    if not only_flagged:  # the review queue keeps its order: most at stake first
        lines = lines.order_by("status", "sale_date", "pk")
    page = Paginator(lines, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "sellout/brand_declaration_detail.html",
        {"declaration": declaration, "page": page, "only_flagged": only_flagged},
    )


@login_required
@require_POST
def brand_line_review(request: AuthedRequest, line_id: int) -> HttpResponse:
    """Approve or reject a flagged line; htmx gets the updated row, a plain form post a redirect."""
    brand = access_brand_staff(request.user)
    line = brand_line_get(brand=brand, line_id=line_id)
    approve = request.POST.get("decision") == "approve"
    error = ""
    try:
        line = line_review(line=line, approve=approve, user=request.user)
    except ApplicationError as exc:
        error = exc.message
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
        response = HttpResponse(
            export.lines_xlsx(lines),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{export.export_filename(fmt, today)}"'
    return response
