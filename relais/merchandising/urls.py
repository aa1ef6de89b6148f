from django.urls import path

from relais.merchandising import views

app_name = "merchandising"

urlpatterns = [
    path("merchandising/items/", views.item_list, name="items"),
    path("merchandising/items/<int:item_id>/", views.item_edit, name="item_edit"),
    path("merchandising/items/<int:item_id>/photo/", views.item_photo, name="item_photo"),
    path("merchandising/orders/", views.order_list, name="orders"),
    path("merchandising/orders/export/", views.order_export, name="orders_export"),
    path("merchandising/orders/<int:order_id>/action/", views.order_action, name="order_action"),
    path("merchandising/checklists/", views.checklist_list, name="checklists"),
    path("merchandising/visits/", views.visit_list, name="visits"),
    path("merchandising/visits/<int:visit_id>/", views.visit_detail, name="visit_detail"),
    path("merchandising/compliance/", views.compliance, name="compliance"),
    path("merchandising/photos/<int:answer_id>/", views.answer_photo, name="answer_photo"),
    path("portal/pos/", views.my_items, name="my_items"),
    path("portal/pos/<int:item_id>/order/", views.my_order, name="my_order"),
    path("portal/visits/", views.my_visits, name="my_visits"),
    path("portal/visits/new/<int:checklist_id>/", views.visit_new, name="visit_new"),
    path("portal/visits/<int:visit_id>/", views.my_visit, name="my_visit"),
]
