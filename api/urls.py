"""Mounted at /api/: the description at /api/openapi.json, version 1 under /api/v1/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from api import views

router = SimpleRouter(use_regex_path=False)
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("consultations", views.ConsultationViewSet, basename="api-consultation")
router.register("statements", views.StatementViewSet, basename="api-statement")
router.register("ideas", views.IdeaViewSet, basename="api-idea")
router.register("calls", views.CallViewSet, basename="api-call")
router.register("projects", views.ProjectViewSet, basename="api-project")
router.register("initiatives", views.InitiativeViewSet, basename="api-initiative")
router.register("outcomes", views.OutcomeViewSet, basename="api-outcome")

v1 = [
    path(
        "initiatives/<id:initiative_pk>/reuses/",
        views.ReuseViewSet.as_view({"get": "list"}),
        name="api-initiative-reuses",
    ),
    path("statements/<id:pk>/vote/", views.StatementVoteView.as_view(), name="api-statement-vote"),
    path("ideas/<id:pk>/support/", views.IdeaSupportView.as_view(), name="api-idea-support"),
    path("consultations/<id:pk>/response/", views.ConsultationResponseView.as_view(), name="api-response"),
    *router.urls,
]

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="api-schema"),
    path("v1/", include(v1)),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"", views.not_found),
]
