from django.urls import path
from django.views.generic import RedirectView

from search import sections, views

urlpatterns = [
    path("search/", views.search, name="search"),
    # The French address people type.
    path("recherche/", RedirectView.as_view(pattern_name="search", query_string=True)),
    # The sections of the main navigation.
    path("consultations/", sections.section, {"name": "consultations"}, name="consultation_index"),
    path("calls/", sections.section, {"name": "calls"}, name="call_index"),
    path("outcomes/", sections.section, {"name": "outcomes"}, name="outcome_index"),
]
