from django.urls import path
from django.views.generic import RedirectView

from search import views

urlpatterns = [
    path("search/", views.search, name="search"),
    # The French address people type.
    path("recherche/", RedirectView.as_view(pattern_name="search", query_string=True)),
    # The sections of the main navigation (placeholders until their own pages exist: the search's lists).
    path("consultations/", RedirectView.as_view(url="/search/?kind=consultation"), name="consultation_index"),
    path("calls/", RedirectView.as_view(url="/search/?kind=call"), name="call_index"),
    path("outcomes/", RedirectView.as_view(url="/search/?kind=outcome"), name="outcome_index"),
]
