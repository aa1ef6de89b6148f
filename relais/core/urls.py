from django.urls import path

from relais.core import views

urlpatterns = [
    path("operator/brands/<int:pk>/active/", views.operator_brand_active, name="operator_brand_active"),
    path("brand/settings/", views.brand_settings, name="brand_settings"),
    path("brand/users/", views.brand_users, name="brand_users"),
    path("brand/users/<int:pk>/active/", views.brand_user_active, name="brand_user_active"),
]
