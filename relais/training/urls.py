from django.urls import path

from relais.training import views, views_brand

app_name = "training"

urlpatterns = [
    path("training/", views_brand.module_list, name="modules"),
    path("training/modules/<int:module_id>/", views_brand.module_edit, name="module_edit"),
    path("training/modules/<int:module_id>/questions/", views_brand.question_add, name="question_add"),
    path(
        "training/modules/<int:module_id>/questions/<int:question_id>/delete/",
        views_brand.question_delete,
        name="question_delete",
    ),
    path("training/modules/<int:module_id>/files/", views_brand.file_add, name="file_add"),
    path("training/modules/<int:module_id>/files/<int:file_id>/", views_brand.brand_file, name="brand_file"),
    path("training/modules/<int:module_id>/assign/", views_brand.assignment_add, name="assignment_add"),
    path(
        "training/modules/<int:module_id>/assignments/<int:assignment_id>/delete/",
        views_brand.assignment_delete,
        name="assignment_delete",
    ),
    path("training/modules/<int:module_id>/publish/", views_brand.module_publish, name="module_publish"),
    path("training/certifications/", views_brand.certification_list, name="certifications"),
    path("training/report/", views_brand.report, name="report"),
    path("training/report/<str:fmt>/", views_brand.report_export, name="report_export"),
    path("portal/training/", views.my_training, name="mine"),
    path("portal/training/<int:module_id>/", views.my_module, name="my_module"),
    path("portal/training/<int:module_id>/attempt/", views.my_attempt, name="my_attempt"),
    path("portal/training/<int:module_id>/files/<int:file_id>/", views.my_file, name="my_file"),
]
