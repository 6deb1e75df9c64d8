from django.urls import path

from commons import views

urlpatterns = [
    path("", views.initiative_list, name="commons_initiative_list"),
    path("<slug:slug>/", views.initiative_detail, name="commons_initiative_detail"),
    path("<slug:slug>/reuse/", views.reuse_declare, name="commons_reuse_declare"),
]
