from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config.api import api
from relais.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("operator/", core_views.operator_home, name="operator_home"),
    path("jobs/<int:job_id>/", core_views.job_status, name="job_status"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("relais.accounts.urls")),
    path("", include("relais.network.urls")),
    path("catalog/", include("relais.catalog.urls")),
    path("", include("relais.sellout.urls")),
    path("", include("relais.incentives.urls")),
    path("", include("relais.insights.urls")),
    path("portal/api-keys/", include("relais.api.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
