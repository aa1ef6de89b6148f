"""The brand's integrations: its API keys (views in relais.api) and its webhooks."""

from __future__ import annotations

from django.urls import path

from relais.api import views as api_views
from relais.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("brand/api-keys/", api_views.brand_api_key_list_view, name="brand_api_keys"),
    path(
        "brand/api-keys/<int:api_key_id>/revoke/",
        api_views.brand_api_key_revoke_view,
        name="brand_api_key_revoke",
    ),
    path("brand/webhooks/", views.webhook_list, name="list"),
    path("brand/webhooks/<int:endpoint_id>/toggle/", views.webhook_endpoint_toggle, name="endpoint_toggle"),
    path(
        "brand/webhooks/deliveries/<int:delivery_id>/replay/",
        views.webhook_delivery_replay_view,
        name="replay",
    ),
]
