"""Personal data: the brand admin's page, a user's export and erasure, one's own export."""

from __future__ import annotations

from django.urls import path

from relais.privacy import views

app_name = "privacy"

urlpatterns = [
    path("brand/personal-data/", views.brand_privacy, name="brand"),
    path("brand/personal-data/users/<int:user_id>/export/", views.user_export, name="user_export"),
    path("brand/personal-data/users/<int:user_id>/erase/", views.user_erase, name="user_erase"),
    path("operator/personal-data/", views.operator_people, name="operator_people"),
    path("operator/personal-data/users/<int:user_id>/erase/", views.operator_erase, name="operator_erase"),
    path("account/personal-data/", views.my_data, name="mine"),
    path("account/personal-data/export/", views.my_export, name="my_export"),
]
