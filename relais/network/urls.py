from django.urls import path

from relais.network import views, views_registry

app_name = "network"

urlpatterns = [
    path("brand/", views.brand_home, name="brand_home"),
    path("brand/partners/", views.partner_list, name="partner_list"),
    path("brand/partners/search/", views.partner_search, name="partner_search"),
    path("brand/partners/export.<str:fmt>", views.partner_export, name="partner_export"),
    path("brand/partners/new/", views_registry.partner_create, name="partner_create"),
    path("brand/partners/upload/", views_registry.partner_upload, name="partner_upload"),
    path("brand/partners/invitations/upload/", views_registry.invitations_upload, name="invitations_upload"),
    path("brand/partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("brand/partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("brand/partners/<int:pk>/sites/new/", views.site_create, name="site_create"),
    path("brand/partners/<int:pk>/sites/<int:site_pk>/edit/", views.site_edit, name="site_edit"),
    path("brand/segments/", views.segment_list, name="segment_list"),
    path("brand/segments/new/", views.segment_create, name="segment_create"),
    path("brand/segments/preview/", views.segment_preview, name="segment_preview"),
    path("brand/segments/<int:pk>/", views.segment_detail, name="segment_detail"),
    path("brand/segments/<int:pk>/edit/", views.segment_edit, name="segment_edit"),
    path("brand/segments/<int:pk>/recompute/", views.segment_recompute, name="segment_recompute"),
    path("brand/segments/<int:pk>/delete/", views.segment_delete, name="segment_delete"),
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/sites/new/", views.portal_site_create, name="portal_site_create"),
    path("portal/sites/<int:site_pk>/edit/", views.portal_site_edit, name="portal_site_edit"),
]
