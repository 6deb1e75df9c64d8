from django.urls import path

from budgets import views

urlpatterns = [
    path("", views.vote_list, name="budgets_votes_list"),
    path("<id:vote_id>/", views.vote_detail, name="budgets_vote"),
    path("<id:vote_id>/results/", views.vote_results, name="budgets_results"),
    path("<id:vote_id>/results.pb", views.vote_pabulib, name="budgets_pabulib"),
    path("<id:vote_id>/paper/", views.paper_ballot, name="budgets_paper"),
]
