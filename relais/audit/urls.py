from django.urls import path

from relais.audit import views

app_name = "audit"

urlpatterns = [
    path("brand/audit/", views.entry_list, name="entry_list"),
]
