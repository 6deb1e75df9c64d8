from django.urls import path

from . import views

urlpatterns = [
    path("<id:consultation_id>/follow/", views.consultation_follow, name="consultation_follow"),
    path("<id:consultation_id>/statements/", views.statement_list, name="statement_list"),
    path("<id:consultation_id>/statements/new/", views.statement_create, name="statement_create"),
    path(
        "<id:consultation_id>/statements/<id:statement_id>/vote/",
        views.statement_vote,
        name="statement_vote",
    ),
]
