from django.urls import path

from relais.api import views

app_name = "apikeys"

urlpatterns = [
    path("", views.api_key_list_view, name="list"),
    path("<int:api_key_id>/revoke/", views.api_key_revoke_view, name="revoke"),
]
