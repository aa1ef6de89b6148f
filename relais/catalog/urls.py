from django.urls import path

from relais.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("<int:pk>/", views.product_detail, name="product_detail"),
    path("upload/", views.catalog_upload, name="catalog_upload"),
]
