"""The platform's URLs plus `/bench/bare-vote/`, the framework's floor for a vote (benchmark only)."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from consultations.models import Vote


@csrf_exempt
@require_POST
def bare_vote(request):
    """The same upsert as `services.statements.vote_cast`, and nothing else: no session, no checks."""
    Vote.objects.bulk_create(
        [
            Vote(
                statement_id=int(request.POST["statement"]),
                participant_id=int(request.POST["participant"]),
                value=int(request.POST["value"]),
            )
        ],
        update_conflicts=True,
        unique_fields=["statement", "participant"],
        update_fields=["value", "updated_at"],
    )
    return HttpResponse(status=204)


urlpatterns = [path("bench/bare-vote/", bare_vote), path("", include("config.urls"))]
