from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from relais.accounts.models import User
from relais.accounts.types import AuthedRequest
from relais.core.jobs import job_live
from relais.core.models import Brand, Job


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Send each role to its own home."""
    user = request.user
    if user.is_operator:
        return redirect("operator_home")
    if user.is_brand_user:
        return redirect("network:brand_home")
    if user.is_partner_user:
        return redirect("network:portal_home")
    raise PermissionDenied


@login_required
def operator_home(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_operator:
        raise PermissionDenied
    brands = Brand.objects.annotate(partner_count=Count("partners", distinct=True)).order_by("name")
    return render(request, "core/operator_home.html", {"brands": brands})


@login_required
def job_status(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The progress fragment an htmx page polls while a job runs."""
    job = job_live(get_object_or_404(_jobs_visible_to(request.user), pk=job_id))
    response = render(request, "core/partials/job_progress.html", {"job": job})
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Trigger"] = "job-finished"
    return response


def _jobs_visible_to(user: User) -> QuerySet[Job]:
    """Every job for an operator, the brand's jobs for its users, a partner's own jobs for a partner user."""
    if user.is_operator:
        return Job.objects.all()
    # A check constraint gives every brand and partner user a brand.
    if user.brand_id is None or not (user.is_brand_user or user.is_partner_user):
        raise PermissionDenied
    jobs = Job.objects.filter(brand_id=user.brand_id)
    if user.is_partner_user:
        jobs = jobs.filter(partner_id=user.partner_id)
    return jobs


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
