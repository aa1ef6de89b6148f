from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config.api import api
from relais.accounts import views as accounts_views
from relais.core import views as core_views


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without a link (the admin, the API docs, files)."""
    return redirect(static_url("favicon.svg"), permanent=True)


urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("operator/", core_views.operator_home, name="operator_home"),
    path("", include("relais.core.urls")),
    path("jobs/<int:job_id>/", core_views.job_status, name="job_status"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("relais.accounts.urls")),
    path("", include("relais.network.urls")),
    path("catalog/", include("relais.catalog.urls")),
    path("", include("relais.sellout.urls")),
    path("", include("relais.stock.urls")),
    path("", include("relais.incentives.urls")),
    path("", include("relais.insights.urls")),
    path("", include("relais.programs.urls")),
    path("", include("relais.comms.urls")),
    path("", include("relais.training.urls")),
    path("", include("relais.funds.urls")),
    path("", include("relais.promotions.urls")),
    path("", include("relais.merchandising.urls")),
    path("", include("relais.privacy.urls")),
    path("", include("relais.webhooks.urls")),
    path("", include("relais.audit.urls")),
    path("portal/api-keys/", include("relais.api.urls")),
    path("api/v1/", api.urls),
    # The admin's own login form would bypass the login throttle: it is served by the Relais login view.
    path("admin/login/", accounts_views.admin_login_view, name="admin_login"),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
