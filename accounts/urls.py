from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.profile, name="account_profile"),
    path("data/", views.data_export, name="account_data_export"),
    path("delete/", views.account_delete, name="account_delete"),
    path("api-tokens/", views.api_tokens, name="account_api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="account_api_token_revoke"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="account_unsubscribe"),
]
