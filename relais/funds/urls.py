from django.urls import path

from relais.funds import views

app_name = "funds"

urlpatterns = [
    path("funds/", views.funds_home, name="brand_home"),
    path("funds/budgets/<int:budget_id>/", views.budget_detail, name="budget_detail"),
    path("funds/budgets/<int:budget_id>/<str:action>/", views.budget_run, name="budget_run"),
    path("funds/requests/", views.request_list, name="requests"),
    path("funds/requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("funds/requests/<int:request_id>/decide/", views.request_decide, name="request_decide"),
    path("funds/claims/<int:claim_id>/decide/", views.claim_decide, name="claim_decide"),
    path("funds/claims/<int:claim_id>/pay/", views.claim_pay, name="claim_pay"),
    path("funds/ledger/export/", views.ledger_download, name="ledger_export"),
    path("funds/proofs/<int:proof_id>/", views.proof_file, name="proof"),
    path("portal/funds/", views.my_funds, name="mine"),
    path("portal/funds/requests/<int:request_id>/", views.my_request, name="my_request"),
    path("portal/funds/requests/<int:request_id>/cancel/", views.my_request_cancel, name="my_request_cancel"),
]
