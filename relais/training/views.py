"""The partner's training pages: my modules (to do, due, done, score), my certificates, a module with its
quiz (answered over htmx), the module's files. Brand pages are in ``views_brand.py``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from relais.accounts.access import access_partner_user
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.followups.training import module_attempt
from relais.training import selectors
from relais.training.models import ModuleFile, TrainingModule
from relais.training.rendering import markdown_html


def file_response(attached: ModuleFile) -> FileResponse:
    """A module's file as a download, never from a public URL: its view checked who asks first."""
    response = FileResponse(
        attached.file.open("rb"),
        as_attachment=True,
        filename=attached.name,
        content_type=attached.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def my_training(request: AuthedRequest) -> HttpResponse:
    access_partner_user(request.user)
    items = selectors.my_modules(user=request.user)
    return render(
        request,
        "training/mine.html",
        {
            "todo": [i for i in items if i.completion is None],
            "done": [i for i in items if i.completion is not None],
            "certificates": selectors.user_certifications(user=request.user),
            "today": timezone.localdate(),
        },
    )


def _module_context(module: TrainingModule, request: AuthedRequest) -> dict:
    return {
        "module": module,
        "body_html": mark_safe(markdown_html(module.body)),  # noqa: S308 - markdown-it escapes raw HTML
        "questions": module.questions.prefetch_related("choices"),
        "files": module.files.all(),
        "completion": selectors.my_completion_find(user=request.user, module=module),
    }


@login_required
def my_module(request: AuthedRequest, module_id: int) -> HttpResponse:
    access_partner_user(request.user)
    module = selectors.my_module_get(user=request.user, module_id=module_id)
    return render(request, "training/module.html", _module_context(module, request))


@login_required
@require_POST
def my_attempt(request: AuthedRequest, module_id: int) -> HttpResponse:
    """Score the quiz sent: htmx gets the result in place of the quiz; a plain post goes back to the page."""
    access_partner_user(request.user)
    module = selectors.my_module_get(user=request.user, module_id=module_id)
    answers = {
        int(key[1:]): [int(v) for v in request.POST.getlist(key) if v.isdigit()]
        for key in request.POST
        if key.startswith("q") and key[1:].isdigit()
    }
    try:
        outcome = module_attempt(module=module, user=request.user, answers=answers)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        if request.headers.get("HX-Request"):
            # Not a 302: the browser would follow it and htmx swap the whole page into the quiz.
            response = HttpResponse()
            response["HX-Redirect"] = reverse("training:my_module", args=[module.pk])
            return response
        return redirect("training:my_module", module_id=module.pk)
    context = {"module": module, "outcome": outcome}
    if request.headers.get("HX-Request"):
        return render(request, "training/partials/result.html", context)
    return render(request, "training/module.html", {**_module_context(module, request), **context})


@login_required
def my_file(request: AuthedRequest, module_id: int, file_id: int) -> FileResponse:
    access_partner_user(request.user)
    module = selectors.my_module_get(user=request.user, module_id=module_id)
    return file_response(selectors.module_file_get(module=module, file_id=file_id))
