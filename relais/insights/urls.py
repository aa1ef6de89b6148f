from django.urls import path

from relais.insights import views

app_name = "insights"

urlpatterns = [
    path("brand/insights/", views.dashboard, name="dashboard"),
    path("brand/insights/charts/", views.dashboard_charts, name="dashboard_charts"),
    path("brand/insights/top-partners/", views.top_partners, name="top_partners"),
    path("brand/insights/programme/", views.programme, name="programme"),
    path("brand/insights/export/<str:dimension>.<str:fmt>", views.export, name="export"),
    path("brand/insights/partners/<int:partner_id>/", views.partner_detail, name="partner_detail"),
    path("brand/insights/feedback/", views.feedback, name="feedback"),
    path("brand/insights/feedback/themes/", views.feedback_themes, name="feedback_themes"),
    path("brand/insights/undeclared/", views.undeclared, name="undeclared"),
    path("portal/insights/", views.portal_insights, name="portal_insights"),
]
