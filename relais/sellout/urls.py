from django.urls import path

from relais.sellout import views, views_distributor, views_imports, views_reconciliation

app_name = "sellout"

urlpatterns = [
    # Partner portal
    path("portal/declarations/", views.my_declarations, name="my_declarations"),
    path("portal/declarations/new/", views.declaration_new, name="declaration_new"),
    path("portal/declarations/<int:declaration_id>/", views.declaration_edit, name="declaration_edit"),
    path(
        "portal/declarations/<int:declaration_id>/lines/",
        views.declaration_line_add,
        name="declaration_line_add",
    ),
    path(
        "portal/declarations/<int:declaration_id>/submit/",
        views.declaration_submit_view,
        name="declaration_submit",
    ),
    path(
        "portal/declarations/<int:declaration_id>/lines/<int:line_id>/remove/",
        views.declaration_line_remove_view,
        name="declaration_line_remove",
    ),
    path(
        "portal/declarations/<int:declaration_id>/discard/",
        views.declaration_discard_view,
        name="declaration_discard",
    ),
    path("portal/products/search/", views_imports.product_search, name="product_search"),
    path("portal/imports/upload/", views.import_upload, name="import_upload"),
    path("portal/imports/<int:import_id>/", views_imports.import_detail, name="import_detail"),
    path("portal/imports/<int:import_id>/mapping/", views.import_mapping, name="import_mapping"),
    path("portal/imports/<int:import_id>/retry/", views.import_retry, name="import_retry"),
    path("portal/imports/<int:import_id>/result/", views_imports.import_result, name="import_result"),
    path(
        "portal/imports/<int:import_id>/rejected.csv",
        views_imports.import_rejected_csv,
        name="import_rejected_csv",
    ),
    # Brand back office
    path("brand/declarations/", views.brand_declaration_list, name="brand_declaration_list"),
    path(
        "brand/declarations/<int:declaration_id>/",
        views.brand_declaration_detail,
        name="brand_declaration_detail",
    ),
    path("brand/declarations/lines/<int:line_id>/review/", views.brand_line_review, name="brand_line_review"),
    path(
        "brand/imports/<int:import_id>/rejected.csv",
        views_imports.brand_import_rejected_csv,
        name="brand_import_rejected_csv",
    ),
    path("brand/review/", views.brand_review_queue, name="brand_review_queue"),
    path("brand/review/decide/", views.brand_review_bulk, name="brand_review_bulk"),
    path("brand/declarations/export.<str:fmt>", views.brand_lines_export, name="brand_lines_export"),
    path("brand/reconciliation/", views_reconciliation.brand_reconciliation, name="brand_reconciliation"),
    path(
        "brand/reconciliation/apply/",
        views.brand_reconciliation_apply,
        name="brand_reconciliation_apply",
    ),
    path(
        "partners/<int:partner_id>/data-quality/",
        views_reconciliation.partner_quality,
        name="partner_quality",
    ),
    # A distributor's portal: its resellers, and declaring on their behalf
    path("portal/resellers/", views_distributor.distributor_resellers, name="distributor_resellers"),
    path("portal/resellers/declare/", views_distributor.distributor_declare, name="distributor_declare"),
    path(
        "portal/resellers/imports/upload/",
        views_distributor.distributor_import_upload,
        name="distributor_import_upload",
    ),
    path(
        "portal/resellers/imports/<int:import_id>/mapping/",
        views_distributor.distributor_import_mapping,
        name="distributor_import_mapping",
    ),
]
