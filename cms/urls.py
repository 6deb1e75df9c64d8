from django.urls import path

from cms import views

urlpatterns = [
    path("consultations/mine/", views.my_contributions, name="my_contributions"),
]
