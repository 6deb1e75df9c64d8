from django.urls import path

from consultations import views

urlpatterns = [
    path("<id:consultation_id>/follow/", views.consultation_follow, name="consultation_follow"),
    path("<id:consultation_id>/statements/", views.statement_list, name="statement_list"),
    path("<id:consultation_id>/statements/deck/", views.statement_deck, name="statement_deck"),
    path("<id:consultation_id>/statements/new/", views.statement_create, name="statement_create"),
    path(
        "<id:consultation_id>/statements/<id:statement_id>/vote/",
        views.statement_vote,
        name="statement_vote",
    ),
    path(
        "<id:consultation_id>/statements/<id:statement_id>/",
        views.statement_detail,
        name="statement_detail",
    ),
    path("<id:consultation_id>/ideas/", views.idea_list, name="idea_list"),
    path("<id:consultation_id>/ideas/<id:idea_id>/", views.idea_detail, name="idea_detail"),
    path("<id:consultation_id>/comments/<id:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path(
        "<id:consultation_id>/comments/<id:comment_id>/delete/", views.comment_delete, name="comment_delete"
    ),
    path(
        "<id:consultation_id>/report/<str:kind>/<id:item_id>/",
        views.contribution_report,
        name="contribution_report",
    ),
    path("<id:consultation_id>/ideas/new/", views.idea_create, name="idea_create"),
    path("<id:consultation_id>/ideas/similar/", views.idea_similar, name="idea_similar"),
    path("<id:consultation_id>/ideas/<id:idea_id>/support/", views.idea_support, name="idea_support"),
]
