from django.urls import path

from relais.stock import views

app_name = "stock"

urlpatterns = [
    path("portal/stock/", views.portal_stock, name="portal_stock"),
]
