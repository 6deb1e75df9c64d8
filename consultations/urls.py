from django.urls import path

from . import views

urlpatterns = [
    path("<id:consultation_id>/follow/", views.consultation_follow, name="consultation_follow"),
]
