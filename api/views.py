"""The public API: reads of what the site shows, and the participant's actions with a personal token.

Reads ignore who asks (public data only, the same for everyone: cacheable, ETags). Writes go through
the same permission rules, forms, services and rate limits as the site's views.
"""

from allauth.core import ratelimit
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from api import filters, serializers
from api.authentication import PersonalTokenAuthentication
from api.conditional import ConditionalReadMixin
from api.errors import Error, Refused, TooMany
from calls.models import CallPage, Project
from commons.models import Initiative, Reuse
from consultations import permissions, selectors
from consultations.forms import FIELD_PREFIX, OTHER_SUFFIX, ResponseForm
from consultations.models import ConsultationPage, Idea, Statement, Support, Visibility, Vote
from consultations.models import Response as ConsultationResponse
from consultations.services.ideas import idea_support_set
from consultations.services.refusals import ResponseRefused
from consultations.services.responses import response_submit
from consultations.services.statements import vote_cast

# Bodies of writes are small (a questionnaire's answers); more is a mistake or an attack.
MAX_BODY_BYTES = 256 * 1024


def public_consultations():
    """The consultations the site shows: live pages without a view restriction."""
    return ConsultationPage.objects.live().public()


def _outcome_model():
    # The outcome pages' model belongs to the site (cms), reached through the relation it declares.
    return ConsultationPage._meta.get_field("outcome_pages").related_model


def counts_by(queryset, key: str, **counts) -> dict[int, dict[str, int]]:
    """The aggregates `counts` of `queryset` grouped by the column `key`, in one query: {key: {name: n}}."""
    return {row.pop(key): row for row in queryset.values(key).annotate(**counts).order_by()}


def counts_set(rows, found: dict[int, dict[str, int]], names) -> None:
    """Give each row its counts (0 when it has none)."""
    for row in rows:
        mine = found.get(row.pk, {})
        for name in names:
            setattr(row, name, mine.get(name, 0))


class FiguresMixin:
    """Counts (votes, supports, answers) computed for the rows shown only, once they are paged.

    Annotating the list's queryset would make the database count over every row the filters keep
    (the page's query and the total's), whatever the page size: with 50,000 votes, most of the
    request's time. Here a page of 50 costs one more query, over those 50 rows.
    """

    def figures(self, rows: list) -> None:
        """Set the counts of `rows` (at most a page of them) as attributes, in one query."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page:
            self.figures(page)
        return page

    def get_object(self):
        row = super().get_object()
        self.figures([row])
        return row


class ReadViewSet(
    FiguresMixin,
    ConditionalReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    authentication_classes = []  # reads are public and the same for everyone
    permission_classes = [drf_permissions.AllowAny]
    # Ids that fit the database's integer (core/converters.py): a longer number is a 404, not an error.
    lookup_value_converter = "id"


def not_found(request, *args, **kwargs):
    """Paths under /api/ that name nothing: a JSON 404 in the API's error shape."""
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)


@extend_schema(tags=["organisations"])
class OrganisationViewSet(ReadViewSet):
    """Organisations (public bodies) that run consultations and calls."""

    serializer_class = serializers.OrganisationSerializer
    queryset = Organisation.objects.order_by("name", "pk")


@extend_schema(tags=["consultations"])
class ConsultationViewSet(ReadViewSet):
    """Published consultations, newest first; the detail includes the questionnaire."""

    filterset_class = filters.ConsultationFilter

    def get_queryset(self):
        return (
            public_consultations()
            .select_related("organisation", "audience_territory")
            .order_by("-opens_at", "-pk")
        )

    def figures(self, rows):
        sent = ConsultationResponse.objects.filter(
            consultation__in=[row.pk for row in rows], status=ConsultationResponse.Status.SUBMITTED
        )
        counts_set(rows, counts_by(sent, "consultation_id", response_count=Count("pk")), ["response_count"])

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ConsultationDetailSerializer
        return serializers.ConsultationSerializer


@extend_schema(tags=["statements"])
class StatementViewSet(ReadViewSet):
    """Published statements of published consultations, with their votes counted."""

    serializer_class = serializers.StatementSerializer
    filterset_class = filters.StatementFilter

    def get_queryset(self):
        return (
            Statement.objects.published()
            .filter(consultation__in=public_consultations().filter(statements_enabled=True))
            .order_by("created_at", "pk")
        )

    def figures(self, rows):
        counts = {
            f"{name}_count": Count("pk", filter=Q(value=value))
            for name, value in (
                ("agree", Vote.Value.AGREE),
                ("disagree", Vote.Value.DISAGREE),
                ("pass", Vote.Value.PASS),
            )
        }
        votes = Vote.objects.filter(statement__in=[row.pk for row in rows])
        counts_set(rows, counts_by(votes, "statement_id", **counts), counts)


@extend_schema(tags=["ideas"])
class IdeaViewSet(ReadViewSet):
    """Ideas shown on the site (not hidden by moderation), with their status and the answer."""

    serializer_class = serializers.IdeaSerializer
    filterset_class = filters.IdeaFilter

    def get_queryset(self):
        return (
            Idea.objects.published()
            .filter(consultation__in=public_consultations().filter(ideas_enabled=True))
            .select_related("territory")
            .order_by("-created_at", "-pk")
        )

    def figures(self, rows):
        supports = Support.objects.filter(idea__in=[row.pk for row in rows])
        counts_set(rows, counts_by(supports, "idea_id", support_count=Count("pk")), ["support_count"])


@extend_schema(tags=["calls"])
class CallViewSet(ReadViewSet):
    """Published calls for projects and for field initiatives."""

    serializer_class = serializers.CallSerializer
    filterset_class = filters.CallFilter

    def get_queryset(self):
        return (
            CallPage.objects.live()
            .public()
            .select_related("organisation", "territory")
            .order_by("-opens_at", "-pk")
        )


@extend_schema(tags=["calls"])
class ProjectViewSet(ReadViewSet):
    """Selected projects of calls whose laureates are published; never the other dossiers."""

    serializer_class = serializers.ProjectSerializer
    filterset_class = filters.ProjectFilter

    def get_queryset(self):
        initiative = Initiative.objects.published().filter(project=OuterRef("pk")).values("pk")[:1]
        return (
            Project.objects.laureates()
            .filter(call__in=CallPage.objects.live().public())
            .select_related("territory")
            .annotate(published_initiative=Subquery(initiative))
            .order_by("call_id", "title", "pk")
        )


@extend_schema(tags=["initiatives"])
class InitiativeViewSet(ReadViewSet):
    """Initiatives published in the commons catalogue, with how often they were reused."""

    serializer_class = serializers.InitiativeSerializer
    filterset_class = filters.InitiativeFilter

    def get_queryset(self):
        return (
            Initiative.objects.published()
            .select_related("territory", "organisation")
            .prefetch_related("links", "themes")
            .order_by("title", "pk")
        )

    def figures(self, rows):
        reuses = Reuse.objects.filter(initiative__in=[row.pk for row in rows])
        counts_set(rows, counts_by(reuses, "initiative_id", reuse_count=Count("pk")), ["reuse_count"])


@extend_schema(tags=["initiatives"])
class ReuseViewSet(ConditionalReadMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Where a published initiative was reused (without who declared it)."""

    authentication_classes = []
    permission_classes = [drf_permissions.AllowAny]
    serializer_class = serializers.ReuseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI description's generation
            return Reuse.objects.none()
        initiative = get_object_or_404(Initiative.objects.published(), pk=self.kwargs["initiative_pk"])
        return (
            Reuse.objects.filter(initiative=initiative)
            .select_related("territory")
            .order_by("-created_at", "-pk")
        )


@extend_schema(tags=["outcomes"])
class OutcomeViewSet(ReadViewSet):
    """Published outcome pages and the figures of the report version each one pins."""

    serializer_class = serializers.OutcomeSerializer
    filterset_class = filters.OutcomeFilter

    def get_queryset(self):
        return (
            _outcome_model()
            .objects.live()
            .public()
            .filter(consultation__in=public_consultations())
            .select_related("report_version")
            .order_by("-first_published_at", "-pk")
        )


# Writes ----------------------------------------------------------------------------------------------

ERRORS = {
    400: OpenApiResponse(Error, description="Invalid body, with each field's message."),
    401: OpenApiResponse(Error, description="No token, or a revoked or unknown one."),
    403: OpenApiResponse(Error, description="The site's rules refuse it (closed, audience, not confirmed)."),
    404: OpenApiResponse(Error, description="Not found, or not shown on the site."),
    413: OpenApiResponse(Error, description="Body too large."),
    429: OpenApiResponse(Error, description="Too many actions in a short time (the site's rate limits)."),
}


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = gettext_lazy("The body is too large.")
    default_code = "too_large"


class WriteView(APIView):
    authentication_classes = [PersonalTokenAuthentication]
    permission_classes = [drf_permissions.IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise PayloadTooLarge()
        super().initial(request, *args, **kwargs)

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(_("Send a personal API token: Authorization: Bearer <token>."))
        super().permission_denied(request, message, code)

    def rate_limit(self, request, action: str) -> None:
        """The site's limit of `action` (settings ACCOUNT_RATE_LIMITS), shared with the site's forms."""
        if not ratelimit.consume(request._request, action=action, user=request.user):
            raise TooMany(_("Too many contributions in a short time: wait a minute, then try again."))

    def valid(self, serializer_class, request):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@extend_schema(
    tags=["participation"],
    request=serializers.VoteInput,
    responses={200: serializers.VoteResult, **ERRORS},
)
class StatementVoteView(WriteView):
    """Agree (1), disagree (-1) or pass (0) on a statement; voting again changes the vote."""

    def post(self, request, pk: int):
        statement = get_object_or_404(
            selectors.statements_to_vote_on().published(),
            pk=pk,
            consultation__in=public_consultations(),
        )
        value = self.valid(serializers.VoteInput, request)["value"]
        if refusal := permissions.refusal(request.user, "vote_statement", statement):
            raise Refused(refusal.message)
        self.rate_limit(request, "contribute_vote")
        try:
            vote_cast(statement=statement, participant=request.user, value=value)
        except ResponseRefused as refused:
            raise Refused(refused.message) from None
        return Response({"statement": statement.pk, "value": value, "detail": _("Your vote is recorded.")})


@extend_schema(
    tags=["participation"],
    request=serializers.SupportInput,
    responses={200: serializers.SupportResult, **ERRORS},
)
class IdeaSupportView(WriteView):
    """Support an idea (`true`) or withdraw the support (`false`)."""

    def post(self, request, pk: int):
        idea = get_object_or_404(
            Idea.objects.filter(moderation_status=Visibility.PUBLISHED).select_related("consultation"),
            pk=pk,
            consultation__in=public_consultations(),
        )
        supporting = self.valid(serializers.SupportInput, request)["supporting"]
        if refusal := permissions.refusal(request.user, "support_idea", idea):
            raise Refused(refusal.message)
        self.rate_limit(request, "contribute_vote")
        try:
            idea_support_set(idea=idea, user=request.user, supporting=supporting)
        except ResponseRefused as refused:
            raise Refused(refused.message) from None
        return Response(
            {
                "idea": idea.pk,
                "supporting": supporting,
                "supports": idea.supports.count(),
                "detail": _("Your support is recorded.") if supporting else _("Your support is withdrawn."),
            }
        )


def _form_data(questions, answers: dict, other: dict) -> tuple[QueryDict, dict[str, list[str]]]:
    """The questionnaire form's data from the API's answers by question id, and the type errors."""
    by_id = {question.id: question for question in questions}
    data = QueryDict(mutable=True)
    errors: dict[str, list[str]] = {}
    for question_id in sorted((set(answers) | set(other)) - set(by_id)):
        errors[question_id] = [_("There is no question with this id in this questionnaire.")]
    for question_id, value in answers.items():
        question = by_id.get(question_id)
        if question is None:
            continue
        name = f"{FIELD_PREFIX}{question.id}"
        if isinstance(value, str):
            data[name] = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            data[name] = str(value)
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            if question.kind == "ranking":
                for rank, choice_id in enumerate(value, start=1):
                    data[f"{name}_{choice_id}"] = str(rank)
            elif question.kind == "multiple_choice":
                data.setlist(name, value)
            else:
                errors[question_id] = [_("This question takes one answer, not a list.")]
        elif value is not None:
            errors[question_id] = [_("Send a text, a number or a list of choice ids.")]
    for question_id, text in other.items():
        if question_id in by_id:
            data[f"{FIELD_PREFIX}{question_id}{OTHER_SUFFIX}"] = text
    return data, errors


def _question_errors(form) -> dict[str, list[str]]:
    """The form's errors keyed by question id (the API's names), not by the form's field names."""
    errors = {}
    for name, messages in form.errors.items():
        key = name
        if name.startswith(FIELD_PREFIX):
            key = name[len(FIELD_PREFIX) :]
            if key.endswith(OTHER_SUFFIX):
                key = f"other.{key[: -len(OTHER_SUFFIX)]}"
        elif name == "__all__":
            key = "non_field_errors"
        errors[f"answers.{key}" if not key.startswith(("other.", "non_field")) else key] = list(messages)
    return errors


@extend_schema(
    tags=["participation"],
    request=serializers.ResponseInput,
    responses={200: serializers.ResponseResult, **ERRORS},
)
class ConsultationResponseView(WriteView):
    """Answer the consultation's questionnaire, or change the answers until it closes.

    The answers replace the previous ones, as on the site; `draft: true` keeps them without sending.
    """

    def post(self, request, pk: int):
        consultation = get_object_or_404(public_consultations().select_related("organisation"), pk=pk)
        self.rate_limit(request, "contribute_response")
        if refusal := permissions.refusal(request.user, "answer_consultation", consultation):
            raise Refused(refusal.message)
        previous = ConsultationResponse.objects.filter(
            consultation=consultation, participant=request.user
        ).first()
        if previous and not permissions.can(request.user, "change_response", previous):
            raise Refused(_("You cannot change your answers any more."))
        body = self.valid(serializers.ResponseInput, request)
        questions = consultation.question_list
        data, errors = _form_data(questions, body["answers"], body["other"])
        if errors:
            raise exceptions.ValidationError({"answers": errors})
        form = ResponseForm(data, questions=questions, draft=body["draft"])
        if not form.is_valid():
            raise exceptions.ValidationError(_question_errors(form))
        try:
            response = response_submit(
                consultation=consultation,
                participant=request.user,
                answers=form.answers(),
                draft=body["draft"],
            )
        except ResponseRefused as refused:
            raise exceptions.ValidationError({"non_field_errors": [refused.message]}) from None
        if body["draft"]:
            detail = _("Your draft is saved. It is not sent yet: send it before the consultation closes.")
        elif previous is None or previous.status == ConsultationResponse.Status.DRAFT:
            detail = _("Thank you, your answers are saved.")
        else:
            detail = _("Your answers are updated.")
        return Response({"consultation": consultation.pk, "status": response.status, "detail": detail})
