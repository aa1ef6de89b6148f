from django.urls import path

from relais.incentives import views

app_name = "incentives"

urlpatterns = [
    # Brand back-office
    path("brand/challenges/", views.challenge_list, name="challenges"),
    path("brand/challenges/<int:challenge_id>/", views.challenge_detail, name="challenge_detail"),
    path("brand/challenges/<int:challenge_id>/rules/", views.challenge_rule_add, name="rule_add"),
    path(
        "brand/challenges/<int:challenge_id>/rules/<int:rule_id>/",
        views.challenge_rule_edit,
        name="rule_edit",
    ),
    path("brand/challenges/<int:challenge_id>/status/", views.challenge_status, name="challenge_status"),
    path(
        "brand/challenges/<int:challenge_id>/backtest/", views.challenge_backtest, name="challenge_backtest"
    ),
    path("brand/points/", views.ledger_explorer, name="ledger"),
    path("brand/objectives/", views.objective_list, name="objectives"),
    path("brand/rewards/", views.reward_admin, name="rewards"),
    path("brand/rewards/<int:reward_id>/", views.reward_admin, name="reward_edit"),
    path("brand/orders/", views.order_approvals, name="orders"),
    path("brand/orders/<int:order_id>/<str:action>/", views.order_action, name="order_action"),
    # Partner portal
    path("portal/challenges/", views.my_challenges, name="my_challenges"),
    path("portal/challenges/<int:challenge_id>/", views.my_leaderboard, name="my_leaderboard"),
    path("portal/objectives/", views.my_objectives, name="my_objectives"),
    path("portal/points/", views.my_points, name="my_points"),
    path("portal/rewards/", views.my_rewards, name="my_rewards"),
    path("portal/rewards/<int:reward_id>/redeem/", views.my_redeem, name="my_redeem"),
    path("portal/rewards/<int:reward_id>/confirm/", views.my_redeem_confirm, name="my_redeem_confirm"),
    path("portal/orders/<int:order_id>/cancel/", views.my_order_cancel, name="my_order_cancel"),
    path("portal/orders/", views.my_orders, name="my_orders"),
]
