"""What the API shows: only what the public site shows, without personal data.

Plain serializers with explicit fields (no `fields = "__all__"`), so that a new model field is never
published by accident.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from wagtail.rich_text import expand_db_html

from consultations.models import Idea
from core.windows import Phase


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know: a typo in a client's body is an error, not silently dropped."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unknown field.")] for name in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)


class TerritoryRef(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField(help_text="INSEE code (SIREN for intercommunalities).")
    name = serializers.CharField()


class OrganisationRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class OrganisationSerializer(OrganisationRef):
    pass


def _page_url(page, context) -> str | None:
    request = context.get("request")
    return page.get_full_url(request=request)


class ChoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField(
        help_text="short_text, long_text, single_choice, multiple_choice, yes_no, age_band, scale, "
        "ranking or number."
    )
    label = serializers.CharField()
    help_text = serializers.CharField()
    required = serializers.BooleanField()
    section = serializers.CharField(allow_null=True, source="section.heading", default=None)
    choices = ChoiceSerializer(many=True, source="choice_rows")
    allow_other = serializers.BooleanField(help_text="The answer may be `other`, with an `other` text.")
    max_length = serializers.IntegerField(allow_null=True)
    min_choices = serializers.IntegerField(allow_null=True)
    max_choices = serializers.IntegerField(allow_null=True)
    min_value = serializers.DecimalField(
        max_digits=30, decimal_places=6, allow_null=True, coerce_to_string=False
    )
    max_value = serializers.DecimalField(
        max_digits=30, decimal_places=6, allow_null=True, coerce_to_string=False
    )
    decimals = serializers.BooleanField()


class QuestionRow:
    """A question as the serializer reads it (choices as objects)."""

    def __init__(self, question):
        self._question = question
        self.choice_rows = [{"id": cid, "label": label} for cid, label in question.choices]

    def __getattr__(self, name):
        return getattr(self._question, name)


class RichTextField(serializers.CharField):
    """A rich-text field as the page shows it: Wagtail's stored form links pages and documents by id
    (`<a linktype="page" id="7">`), which means nothing outside the site."""

    def to_representation(self, value):
        return expand_db_html(value or "")


class ConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    organisation = OrganisationRef()
    introduction = RichTextField(help_text="HTML, as on the page.")
    decision_at_stake = serializers.CharField()
    what_can_change = serializers.CharField()
    use_of_contributions = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    phase = serializers.SerializerMethodField()
    audience = serializers.CharField(help_text="signed_in, territory or invited.")
    audience_territory = TerritoryRef(allow_null=True)
    statements_enabled = serializers.BooleanField()
    ideas_enabled = serializers.BooleanField()
    response_count = serializers.IntegerField(help_text="Answers sent (drafts not counted).")
    last_published_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, page):
        return _page_url(page, self.context)

    @extend_schema_field(serializers.ChoiceField(choices=Phase.values))
    def get_phase(self, page):
        return page.phase().value


class ConsultationDetailSerializer(ConsultationSerializer):
    questions = serializers.SerializerMethodField()

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, page):
        return QuestionSerializer([QuestionRow(q) for q in page.question_list], many=True).data


# "pass" is a Python keyword: the class is built with the field's JSON name.
VoteCounts = type(
    "VoteCounts",
    (serializers.Serializer,),
    {
        "agree": serializers.IntegerField(),
        "disagree": serializers.IntegerField(),
        "pass": serializers.IntegerField(),
    },
)


class StatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    consultation = serializers.IntegerField(source="consultation_id")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    votes = serializers.SerializerMethodField()

    @extend_schema_field(VoteCounts)
    def get_votes(self, statement):
        return {
            "agree": statement.agree_count,
            "disagree": statement.disagree_count,
            "pass": statement.pass_count,
        }


class IdeaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    consultation = serializers.IntegerField(source="consultation_id")
    title = serializers.CharField()
    text = serializers.CharField()
    theme = serializers.CharField()
    territory = TerritoryRef(allow_null=True)
    status = serializers.ChoiceField(choices=Idea.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    answer = serializers.CharField(help_text="The organisation's answer: why this status.")
    answered_at = serializers.DateTimeField(allow_null=True)
    supports = serializers.IntegerField(source="support_count")
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, idea):
        request = self.context.get("request")
        return request.build_absolute_uri(idea.get_absolute_url()) if request else idea.get_absolute_url()


class CallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    organisation = OrganisationRef()
    kind = serializers.CharField(help_text="funding or initiatives.")
    introduction = RichTextField(help_text="HTML, as on the page.")
    objectives = serializers.CharField()
    eligibility = serializers.CharField()
    territory = TerritoryRef(allow_null=True)
    total_budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    min_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    max_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    phase = serializers.SerializerMethodField()
    decision_expected_on = serializers.DateField(allow_null=True)
    laureates_published_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, page):
        return _page_url(page, self.context)

    @extend_schema_field(serializers.ChoiceField(choices=Phase.values))
    def get_phase(self, page):
        return page.phase().value


class ProjectSerializer(serializers.Serializer):
    """A selected project, as the call's page of laureates shows it."""

    @extend_schema_field(OpenApiTypes.STR)
    def get_organisation_name(self, project) -> str:
        # A person applying alone is not named (the open data does the same).
        return "" if project.applicant_type == "individual" else project.organisation_name

    id = serializers.IntegerField()
    call = serializers.IntegerField(source="call_id")
    title = serializers.CharField()
    summary = serializers.CharField()
    territory = TerritoryRef(allow_null=True)
    organisation_name = serializers.SerializerMethodField(
        help_text="The association, company or public body; empty for an individual applicant."
    )
    amount_requested = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    status_reason = serializers.CharField(help_text="Why it was selected, as published.")
    initiative = serializers.IntegerField(
        source="published_initiative", allow_null=True, help_text="Its page in the commons catalogue."
    )


class InitiativeLinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField()


class ReuseSerializer(serializers.Serializer):
    territory = TerritoryRef()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class InitiativeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    licence = serializers.CharField()
    licence_label = serializers.CharField(source="get_licence_display")
    licence_other = serializers.CharField()
    territory = TerritoryRef()
    scale = serializers.CharField()
    organisation = OrganisationRef()
    themes = serializers.SerializerMethodField()
    links = InitiativeLinkSerializer(many=True)
    project = serializers.IntegerField(source="project_id", allow_null=True)
    reuse_count = serializers.IntegerField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_themes(self, initiative):
        return sorted(tag.name for tag in initiative.themes.all())


class ReportFigures(serializers.Serializer):
    version = serializers.IntegerField()
    compiled_at = serializers.DateTimeField()
    response_count = serializers.IntegerField()
    vote_count = serializers.IntegerField()


class OutcomeSerializer(serializers.Serializer):
    """An outcome page and the figures of the report version it pins."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    consultation = serializers.IntegerField(source="consultation_id")
    summary = serializers.CharField()
    first_published_at = serializers.DateTimeField(allow_null=True)
    report = ReportFigures(source="report_version", allow_null=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, page):
        return _page_url(page, self.context)


# Writes ----------------------------------------------------------------------------------------------


class VoteInput(StrictSerializer):
    value = serializers.ChoiceField(
        choices=[(1, "agree"), (-1, "disagree"), (0, "pass")], help_text="1 agree, -1 disagree, 0 pass."
    )

    def to_internal_value(self, data):
        # ChoiceField would accept "1" and True as 1: the API asks for a JSON integer.
        if (
            isinstance(data, dict)
            and "value" in data
            and (isinstance(data["value"], bool) or not isinstance(data["value"], int))
        ):
            raise serializers.ValidationError({"value": [_("Choose agree (1), disagree (-1) or pass (0).")]})
        return super().to_internal_value(data)


class VoteResult(serializers.Serializer):
    statement = serializers.IntegerField()
    value = serializers.IntegerField()
    detail = serializers.CharField()


class SupportInput(StrictSerializer):
    supporting = serializers.BooleanField(help_text="true to support, false to withdraw the support.")

    def to_internal_value(self, data):
        if isinstance(data, dict) and "supporting" in data and not isinstance(data["supporting"], bool):
            raise serializers.ValidationError({"supporting": [_("Send true or false.")]})
        return super().to_internal_value(data)


class SupportResult(serializers.Serializer):
    idea = serializers.IntegerField()
    supporting = serializers.BooleanField()
    supports = serializers.IntegerField()
    detail = serializers.CharField()


class ResponseInput(StrictSerializer):
    answers = serializers.DictField(
        help_text=(
            "By question id: a text, a choice id, a number, a list of choice ids (multiple choice), "
            "or the choice ids in order, first first (ranking)."
        ),
    )
    other = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="By question id: the text of the “other” answer, when it was chosen.",
    )
    draft = serializers.BooleanField(required=False, default=False, help_text="Keep without sending.")


class ResponseResult(serializers.Serializer):
    consultation = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["draft", "submitted"])
    detail = serializers.CharField()
