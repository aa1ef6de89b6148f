from django.urls import path

from relais.programs import objective_views, views

app_name = "programs"

urlpatterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/new/", views.program_new, name="new"),
    path("programs/<int:program_id>/", views.program_detail, name="detail"),
    path("programs/<int:program_id>/publish/", views.program_publish, name="publish"),
    path("programs/<int:program_id>/aspect/", views.program_aspect, name="aspect"),
    path("programs/<int:program_id>/policy/", views.program_policy, name="policy"),
    path("programs/<int:program_id>/tiers/", views.program_tiers, name="tiers"),
    path("programs/<int:program_id>/rollup/", views.program_rollup, name="rollup"),
    path("programs/compare/", views.program_compare, name="compare"),
    path("programs/objectives/", objective_views.objective_page, name="objectives"),
    path("portal/program/", views.my_program, name="mine"),
    path(
        "portal/program/policies/<int:version_id>/acknowledge/", views.policy_acknowledge, name="acknowledge"
    ),
]
