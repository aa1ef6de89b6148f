from django.urls import path

from relais.promotions import views

app_name = "promotions"

urlpatterns = [
    path("promotions/", views.promotion_list, name="list"),
    path("promotions/new/", views.promotion_new, name="new"),
    path("promotions/<int:promotion_id>/", views.promotion_detail, name="detail"),
    path("promotions/<int:promotion_id>/status/", views.promotion_status, name="status"),
    path("portal/promotions/", views.my_promotions, name="mine"),
]
