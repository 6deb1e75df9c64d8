from django.urls import path

from calls import views

urlpatterns = [
    path("<id:call_id>/apply/", views.project_create, name="calls_project_create"),
    path("<id:call_id>/laureates/", views.laureates, name="calls_laureates"),
    path("laureates/<id:project_id>/follow/", views.project_follow, name="calls_project_follow"),
    path("dossiers/", views.projects_mine, name="calls_projects_mine"),
    path("dossiers/<id:project_id>/", views.project_detail, name="calls_project"),
    path("dossiers/<id:project_id>/receipt/", views.project_receipt, name="calls_project_receipt"),
    path("dossiers/<id:project_id>/attachments/", views.attachment_add, name="calls_attachment_add"),
    path(
        "dossiers/<id:project_id>/attachments/<id:attachment_id>/",
        views.attachment_download,
        name="calls_attachment",
    ),
    path(
        "dossiers/<id:project_id>/attachments/<id:attachment_id>/delete/",
        views.attachment_delete,
        name="calls_attachment_delete",
    ),
    path("dossiers/<id:project_id>/milestones/", views.milestone_save, name="calls_milestone_add"),
    path(
        "dossiers/<id:project_id>/milestones/<id:milestone_id>/",
        views.milestone_save,
        name="calls_milestone_change",
    ),
    path("evaluations/", views.evaluations, name="calls_evaluations"),
    path("evaluations/<id:assignment_id>/", views.evaluation, name="calls_evaluation"),
    path(
        "evaluations/invitation/<str:token>/",
        views.evaluator_invitation,
        name="calls_evaluator_invitation",
    ),
    path(
        "evaluations/<id:assignment_id>/declare/", views.evaluation_declare, name="calls_evaluation_declare"
    ),
    path("evaluations/<id:assignment_id>/score/", views.evaluation_score, name="calls_evaluation_score"),
]
