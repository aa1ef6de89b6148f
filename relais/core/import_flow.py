"""The two steps of an import from the web, shared by the partner, catalogue and invitation files.

Step one (``POST`` with a file): the importer runs in dry-run mode and the page shows what it would do — the
counts, the first rows as read, each bad row with its row number, field and reason — while the file waits
(``relais.core.staged_uploads``). Step two (``POST`` with the token): the same importer runs for real on the
same bytes. Nothing is written before the confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.staged_uploads import upload_discard, upload_stage, upload_staged
from relais.core.tabular import ImportReport, table_read

PREVIEW_ROWS = 10
SHOWN_ERRORS = 200

# (table, dry_run) -> report: the importer, bound to the brand and the user by the view.
Importer = Callable[..., ImportReport]


def import_page(
    request: HttpRequest, *, brand: Brand, kind: str, importer: Importer, context: dict[str, Any]
) -> HttpResponse:
    """The upload page of one kind of file: the form, then the preview, then the result."""
    page: dict[str, Any] = {**context, "step": "upload"}
    if request.method == "POST":
        try:
            page.update(_post(request, brand=brand, kind=kind, importer=importer))
        except ApplicationError as exc:
            page["error"] = exc.message
    return render(request, "core/import_page.html", page)


def _post(request: HttpRequest, *, brand: Brand, kind: str, importer: Importer) -> dict[str, Any]:
    token = request.POST.get("token", "")
    if token:
        content, filename = upload_staged(brand=brand, kind=kind, token=token)
        report = importer(table=table_read(content=content, filename=filename), dry_run=False)
        upload_discard(brand=brand, kind=kind, token=token)
        messages.success(
            request,
            _("Import done: %(created)s created, %(updated)s updated, %(rejected)s rejected.")
            % {"created": report.created, "updated": report.updated, "rejected": report.rejected},
        )
        return {"step": "done", "report": report, "errors": _errors(report)}
    upload = request.FILES.get("file")
    if upload is None:
        raise ApplicationError(_("Choose a file to upload."))
    content = upload.read()
    table = table_read(content=content, filename=upload.name or "")
    report = importer(table=table, dry_run=True)
    token = upload_stage(brand=brand, kind=kind, content=content, filename=upload.name or "")
    return {
        "step": "preview",
        "token": token,
        "filename": upload.name,
        "headers": table.headers,
        "rows": table.preview[:PREVIEW_ROWS],
        "row_count": len(table.rows),
        "report": report,
        "errors": _errors(report),
        "more_errors": max(0, len(report.errors) - SHOWN_ERRORS),
    }


def _errors(report: ImportReport) -> list[Any]:
    return sorted(report.errors, key=lambda e: (e.row, e.field))[:SHOWN_ERRORS]
