from django.urls import path

from relais.comms import views, views_brand

app_name = "comms"

urlpatterns = [
    # Brand back-office
    path("brand/campaigns/", views.campaign_list, name="campaigns"),
    path("brand/campaigns/new/", views_brand.campaign_edit, name="campaign_new"),
    path("brand/campaigns/<int:message_id>/", views_brand.campaign_detail, name="campaign_detail"),
    path("brand/campaigns/<int:message_id>/edit/", views_brand.campaign_edit, name="campaign_edit"),
    path("brand/campaigns/<int:message_id>/send/", views_brand.campaign_send, name="campaign_send"),
    path("brand/library/", views_brand.library_list, name="brand_library"),
    path("brand/library/new/", views_brand.library_new, name="brand_library_new"),
    path("brand/library/<int:item_id>/", views_brand.library_detail, name="brand_library_detail"),
    path(
        "brand/library/<int:item_id>/<str:action>/", views_brand.library_action, name="brand_library_action"
    ),
    # Partner portal
    path("portal/inbox/", views.inbox, name="inbox"),
    path("portal/inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("portal/inbox/<int:delivery_id>/", views.inbox_detail, name="inbox_detail"),
    path("portal/library/", views.library, name="library"),
    path("portal/library/<int:item_id>/", views.library_item, name="library_item"),
    path("portal/library/<int:item_id>/download/", views.library_download, name="library_download"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
