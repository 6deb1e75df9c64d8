from django.urls import path
from django.views.generic import RedirectView

from search import views

urlpatterns = [
    path("search/", views.search, name="search"),
    # The French address people type.
    path("recherche/", RedirectView.as_view(pattern_name="search", query_string=True)),
]
