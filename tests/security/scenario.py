"""Two organisations with something secret of every kind, for the attack tests.

Every secret carries a marker (`SECRET-…`) that no response may show to someone not entitled to it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import PageViewRestriction

from accounts.models import Territory
from accounts.territories import Kind
from calls.models import Assignment, Project
from calls.services.dossiers import attachment_add
from cms.models import HomePage, StandardPage
from commons.models import Initiative
from consultations.models import Comment, Idea, Statement
from consultations.services.comments import comment_post
from consultations.services.ideas import idea_submit
from consultations.services.responses import response_submit
from consultations.services.statements import statement_submit
from tests.calls.conftest import PDF
from tests.calls.conftest import call_create as calls_call_create
from tests.calls.conftest import project_create as calls_project_create
from tests.factories import (
    EditorFactory,
    ModeratorFactory,
    OfficialFactory,
    OrganisationFactory,
    UserFactory,
    consultation_create,
    form_data,
    outcome_create,
)

PERSONAS = [
    "anonymous",
    "participant",
    "other_participant",
    "official_elsewhere",
    "evaluator",
    "moderator",
    "editor",
]

# Marker -> the personas entitled to see it (besides nobody).
MARKERS = {
    "SECRET-OWNER-EMAIL": {"participant"},
    "SECRET-HIDDEN-STATEMENT": {"participant", "moderator"},
    "SECRET-PENDING-STATEMENT": {"participant", "moderator"},
    "SECRET-HIDDEN-IDEA": {"participant", "moderator"},
    "SECRET-HIDDEN-COMMENT": {"participant", "moderator"},
    "SECRET-ANSWER-TEXT": {"participant"},
    "SECRET-DRAFT-CONSULTATION": {"editor"},
    "SECRET-DRAFT-OUTCOME": {"editor"},
    "SECRET-DRAFT-REVISION": {"editor"},
    "SECRET-PRIVATE-PAGE": {"editor"},
    "SECRET-EXPIRED-PAGE": {"editor"},
    "SECRET-DRAFT-CALL": {"editor"},
    "SECRET-DRAFT-DOSSIER": {"participant"},
    "SECRET-DRAFT-ATTACHMENT": {"participant"},
    "SECRET-SUBMITTED-DOSSIER": {"participant", "evaluator"},
    "SECRET-SUBMITTED-ATTACHMENT": {"participant", "evaluator"},
    "SECRET-UNPUBLISHED-INITIATIVE": {"editor"},
}


@dataclass
class Scenario:
    people: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def pdf_with(marker: str) -> bytes:
    return PDF.replace(b"%%EOF", marker.encode() + b"\n%%EOF")


def scenario_create() -> Scenario:
    """Organisation `home` (whose contributions are secret) and organisation `elsewhere`."""
    home_org = OrganisationFactory(name="Ville d'ici", slug="ici")
    elsewhere = OrganisationFactory(name="Ville d'ailleurs", slug="ailleurs")
    owner = UserFactory(email="secret-owner-email@example.org", pseudonym="Auteur")
    s = Scenario()
    s.people = {
        "participant": owner,
        "other_participant": UserFactory(),
        "official_elsewhere": OfficialFactory(organisation=elsewhere),
        "evaluator": UserFactory(),
        "moderator": ModeratorFactory(organisation=home_org),
        "editor": EditorFactory(),
    }
    o = s.objects
    o["organisation"] = home_org

    consultation = consultation_create(organisation=home_org, statements_enabled=True, ideas_enabled=True)
    o["consultation"] = consultation
    response_submit(
        consultation=consultation, participant=owner, answers=_answers(consultation, "SECRET-ANSWER-TEXT")
    )
    o["statement"] = statement_submit(consultation=consultation, author=owner, text="Affirmation publique")
    o["hidden_statement"] = Statement.objects.create(
        consultation=consultation,
        author=owner,
        text="SECRET-HIDDEN-STATEMENT",
        status=Statement.Status.HIDDEN,
    )
    o["pending_statement"] = Statement.objects.create(
        consultation=consultation,
        author=owner,
        text="SECRET-PENDING-STATEMENT",
        status=Statement.Status.PENDING,
    )
    o["idea"] = idea_submit(consultation=consultation, author=owner, title="Idée publique", text="Un banc")
    o["hidden_idea"] = Idea.objects.create(
        consultation=consultation,
        author=owner,
        title="SECRET-HIDDEN-IDEA",
        text="SECRET-HIDDEN-IDEA",
        moderation_status="hidden",
    )
    o["comment"] = comment_post(target=o["idea"], author=owner, text="Commentaire public", stance="for")
    o["hidden_comment"] = Comment.objects.create(
        consultation=consultation,
        idea=o["idea"],
        author=owner,
        text="SECRET-HIDDEN-COMMENT",
        stance="for",
        status=Comment.Status.HIDDEN,
    )
    o["hidden_idea_comment"] = Comment.objects.create(
        consultation=consultation,
        idea=o["hidden_idea"],
        author=owner,
        text="Sous une idée cachée",
        stance="for",
    )
    o["draft_consultation"] = consultation_create(
        organisation=home_org,
        title="SECRET-DRAFT-CONSULTATION",
        slug="en-preparation",
        publish=False,
        statements_enabled=True,
    )
    o["outcome"] = outcome_create(consultation, title="Bilan public")
    o["draft_outcome"] = outcome_create(
        consultation, title="SECRET-DRAFT-OUTCOME", slug="bilan-en-preparation", publish=False
    )

    home = HomePage.objects.get()
    o["page"] = _page(home, "Page publique", "page-publique")
    revision_page = _page(home, "Page révisée", "page-revisee")
    revision_page.title = "SECRET-DRAFT-REVISION"
    revision_page.save_revision()
    o["revised_page"] = revision_page
    o["private_page"] = _page(home, "SECRET-PRIVATE-PAGE", "page-privee")
    PageViewRestriction.objects.create(
        page=o["private_page"], restriction_type=PageViewRestriction.PASSWORD, password="mot-de-passe"
    )
    expired = _page(home, "SECRET-EXPIRED-PAGE", "page-expiree")
    StandardPage.objects.filter(pk=expired.pk).update(
        live=False, expired=True, expire_at=timezone.now() - timedelta(days=1)
    )
    o["expired_page"] = expired

    call = calls_call_create(organisation=home_org)
    o["call"] = call
    o["draft_call"] = calls_call_create(
        organisation=home_org, title="SECRET-DRAFT-CALL", slug="appel-en-preparation", publish=False
    )
    draft = calls_project_create(call, owner, title="SECRET-DRAFT-DOSSIER")
    draft.attachments.all().delete()
    o["draft_attachment"] = attachment_add(
        project=draft,
        document=call.documents.first(),
        upload=SimpleUploadedFile("budget.pdf", pdf_with("SECRET-DRAFT-ATTACHMENT"), "application/pdf"),
    )
    o["draft_dossier"] = draft
    submitted = calls_project_create(call, owner, title="SECRET-SUBMITTED-DOSSIER")
    submitted.attachments.all().delete()
    o["submitted_attachment"] = attachment_add(
        project=submitted,
        document=call.documents.first(),
        upload=SimpleUploadedFile("budget.pdf", pdf_with("SECRET-SUBMITTED-ATTACHMENT"), "application/pdf"),
    )
    Project.objects.filter(pk=submitted.pk).update(
        status=Project.Status.SUBMITTED, submitted_at=timezone.now(), reference=f"R-{submitted.pk}"
    )
    o["submitted_dossier"] = submitted
    o["assignment"] = Assignment.objects.create(project=submitted, evaluator=s.people["evaluator"])
    o["milestone"] = submitted.milestones.create(title="Étape")

    o["territory"] = territory = Territory.objects.create(
        kind=Kind.COMMUNE, code="69123", name="Lyon", search_name="lyon"
    )
    o["initiative"] = Initiative.objects.create(
        territory=territory,
        title="Repair café",
        slug="repair-cafe",
        description="Public",
        organisation=home_org,
        published=True,
    )
    o["unpublished_initiative"] = Initiative.objects.create(
        territory=territory,
        title="SECRET-UNPUBLISHED-INITIATIVE",
        slug="initiative-secrete",
        description="SECRET-UNPUBLISHED-INITIATIVE",
        organisation=home_org,
        published=False,
    )
    return s


def _answers(consultation, text):
    """The cleaned answers of the default questionnaire, through its form."""
    from consultations.forms import ResponseForm

    form = ResponseForm(form_data(consultation, text=text), questions=consultation.question_list)
    assert form.is_valid(), form.errors
    return form.answers()


def _page(parent, title, slug):
    page = StandardPage(title=title, slug=slug, body="<p>Texte.</p>")
    parent.add_child(instance=page)
    page.save_revision().publish()
    return StandardPage.objects.get(pk=page.pk)
