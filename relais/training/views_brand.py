"""The brand's training pages: the modules, a module's editor (texts, quiz, files, assignments, publication),
the certifications, and the completion report per partner and seller with its CSV / XLSX export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.access import access_brand_staff
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.programs.selectors import program_list
from relais.training import exports, selectors, services
from relais.training.forms import AssignmentForm, CertificationForm, FileForm, ModuleForm, QuestionForm
from relais.training.models import TrainingModule
from relais.training.rendering import markdown_html
from relais.training.views import file_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def module_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            module = services.module_save(brand=brand, fields=form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Module created as a draft: add its quiz, then publish it."))
            return redirect("training:module_edit", module_id=module.pk)
    return render(
        request, "training/brand_list.html", {"modules": selectors.module_list(brand=brand), "form": form}
    )


def _programs(brand: Any) -> list[tuple[int, str]]:
    return [(p.pk, p.name) for p in program_list(brand=brand)]


def _editor_context(module: TrainingModule, **forms: Any) -> dict[str, Any]:
    brand = module.brand
    programs = dict(_programs(brand))
    assignments = list(module.assignments.select_related("segment"))
    for assignment in assignments:
        assignment.program_name = programs.get(assignment.program_id or 0, "")  # type: ignore[attr-defined]
    return {
        "module": module,
        "form": forms.get("form") or ModuleForm(initial=ModuleForm.initial_of(module)),
        "question_form": forms.get("question_form") or QuestionForm(),
        "file_form": FileForm(),
        "assignment_form": forms.get("assignment_form")
        or AssignmentForm(brand=brand, programs=_programs(brand)),
        "questions": module.questions.prefetch_related("choices"),
        "files": module.files.all(),
        "assignments": assignments,
        "body_html": mark_safe(markdown_html(module.body)),  # noqa: S308 - markdown-it escapes raw HTML
    }


@login_required
def module_edit(request: AuthedRequest, module_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    module = selectors.module_get(brand=brand, module_id=module_id)
    if request.method == "POST":
        form = ModuleForm(request.POST)
        if form.is_valid():
            try:
                services.module_save(brand=brand, fields=form.cleaned_data, module=module)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Module saved."))
                return redirect("training:module_edit", module_id=module.pk)
        return render(request, "training/brand_module.html", _editor_context(module, form=form))
    return render(request, "training/brand_module.html", _editor_context(module))


@login_required
@require_POST
def question_add(request: AuthedRequest, module_id: int) -> HttpResponse:
    """Add a question; htmx gets the quiz back with the new question and an empty form."""
    brand = access_brand_staff(request.user)
    module = selectors.module_get(brand=brand, module_id=module_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(
                module=module, text=form.cleaned_data["text"], choices=form.cleaned_data["choices"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            form = QuestionForm()
    context = _editor_context(module, question_form=form)
    if request.headers.get("HX-Request"):
        return render(request, "training/partials/quiz_editor.html", context)
    return render(request, "training/brand_module.html", context)


@login_required
@require_POST
def question_delete(request: AuthedRequest, module_id: int, question_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    module = selectors.module_get(brand=brand, module_id=module_id)
    try:
        services.question_delete(module=module, question_id=question_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    if request.headers.get("HX-Request"):
        return render(request, "training/partials/quiz_editor.html", _editor_context(module))
    return redirect("training:module_edit", module_id=module.pk)


@login_required
@require_POST
def file_add(request: AuthedRequest, module_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    module = selectors.module_get(brand=brand, module_id=module_id)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.module_file_add(module=module, upload=form.cleaned_data["file"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("File attached."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("training:module_edit", module_id=module.pk)


@login_required
def brand_file(request: AuthedRequest, module_id: int, file_id: int) -> FileResponse:
    brand = access_brand_staff(request.user)
    module = selectors.module_get(brand=brand, module_id=module_id)
    return file_response(selectors.module_file_get(module=module, file_id=file_id))


@login_required
@require_POST
def assignment_add(request: AuthedRequest, module_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    module = selectors.module_get(brand=brand, module_id=module_id)
    form = AssignmentForm(request.POST, brand=brand, programs=_programs(brand))
    if not form.is_valid():
        return render(request, "training/brand_module.html", _editor_context(module, assignment_form=form))
    try:
        services.assignment_add(module=module, **form.cleaned_data)
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return render(request, "training/brand_module.html", _editor_context(module, assignment_form=form))
    messages.success(request, _("Module assigned."))
    return redirect("training:module_edit", module_id=module.pk)


@login_required
@require_POST
def assignment_delete(request: AuthedRequest, module_id: int, assignment_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    module = selectors.module_get(brand=brand, module_id=module_id)
    try:
        services.assignment_delete(module=module, assignment_id=assignment_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("training:module_edit", module_id=module.pk)


@login_required
@require_POST
def module_publish(request: AuthedRequest, module_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    module = selectors.module_get(brand=brand, module_id=module_id)
    publish = request.POST.get("action") != "draft"
    try:
        services.module_publish(module=module, publish=publish)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Module published: the partners it is assigned to see it now.")
            if publish
            else _("Module back to draft."),
        )
    return redirect("training:module_edit", module_id=module.pk)


@login_required
def certification_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = CertificationForm(request.POST or None, brand=brand)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_save(brand=brand, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Certification saved."))
            return redirect("training:certifications")
    return render(
        request,
        "training/brand_certifications.html",
        {"certifications": selectors.certification_list(brand=brand), "form": form},
    )


def _report_module(request: AuthedRequest, brand: Any) -> TrainingModule | None:
    module_id = request.GET.get("module", "")
    return selectors.module_get(brand=brand, module_id=int(module_id)) if module_id.isdigit() else None


@login_required
def report(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    module = _report_module(request, brand)
    rows = selectors.completion_report(brand=brand, module_id=module.pk if module else None)
    return render(
        request,
        "training/brand_report.html",
        {
            "rows": rows,
            "partners": sorted(selectors.report_by_partner(rows), key=lambda p: p["partner"].name),
            "modules": selectors.module_list(brand=brand),
            "module": module,
            "today": timezone.localdate(),
        },
    )


@login_required
def report_export(request: AuthedRequest, fmt: str) -> StreamingHttpResponse:
    """The completion report (one row per seller and module), with the page's module filter."""
    brand = access_brand_staff(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    module = _report_module(request, brand)
    rows = selectors.completion_report(brand=brand, module_id=module.pk if module else None)
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.report_csv_stream(rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(exports.report_xlsx_stream(rows), content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="training-{brand.slug}-{stamp}.{fmt}"'
    return response
