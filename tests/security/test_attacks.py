"""Classic attacks against the participant-facing site: open redirects, forged cross-site posts,
SQL-looking filters, path traversal in file names, mass assignment, and scripts in typed text."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from calls.models import Attachment, Project, Service
from tests.calls.conftest import PDF, call_create, project_create
from tests.calls.test_dossier import dossier_data
from tests.factories import PASSWORD, OfficialFactory, OrganisationFactory, UserFactory
from tests.security.scenario import PERSONAS, scenario_create
from tests.security.urls import path_filled, url_patterns

pytestmark = pytest.mark.django_db

EVIL = [
    "https://evil.example",
    "//evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
]


def _external(location: str) -> bool:
    location = location.replace("\\", "/")
    return location.startswith(("//", "javascript:")) or "evil.example" in location.split("?")[0]


def _assert_stays_on_site(response):
    assert response.status_code == 302
    assert not _external(response["Location"]), response["Location"]


@pytest.mark.parametrize("evil", EVIL)
def test_no_redirect_parameter_sends_anyone_off_site(client, evil):
    """Sign in, sign up, sign out and the language switch follow `next` only within the site."""
    user = UserFactory()
    response = client.post(
        f"{reverse('account_login')}?next={evil}", {"login": user.email, "password": PASSWORD}
    )
    _assert_stays_on_site(response)
    response = client.post(reverse("account_logout"), {"next": evil})
    _assert_stays_on_site(response)
    response = client.post(reverse("set_language"), {"language": "en", "next": evil})
    _assert_stays_on_site(response)
    response = client.post(reverse("set_language"), {"language": "en"}, headers={"referer": evil})
    _assert_stays_on_site(response)
    response = client.post(
        f"{reverse('account_signup')}?next={evil}",
        {"email": "nouvelle@example.org", "password1": PASSWORD + "!A1", "password2": PASSWORD + "!A1"},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert not _external(response["Location"]), response["Location"]
    # The back office's sign-in address passes its query on to ours, which still refuses it.
    response = client.get(f"/admin/login/?next={evil}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_every_form_refuses_a_post_without_its_csrf_token():
    """Every URL of ours and allauth's, posted to without a token by a signed-in person: 403."""
    scenario = scenario_create()
    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.people["participant"])
    refused, accepted = [], []
    for route, _pattern, module in url_patterns():
        if route.startswith("admin/") or "wagtail" in module or "django.views" in module:
            continue  # the back office is checked below; Django's and Wagtail's page serving read only
        path = path_filled(route, _values(route, scenario))
        response = client.post(path, {"text": "x"})
        # 400: a signed token in the address stands for the form's (one-click unsubscribe), "x" is not one;
        # 401: the API never takes the session (a token only), so a cookie cannot act there
        (refused if response.status_code in (400, 401, 403, 404, 405) else accepted).append(
            f"{path}: {response.status_code}"
        )
    assert not accepted, "posted without a CSRF token:\n  " + "\n  ".join(accepted)
    assert len(refused) > 40
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(OfficialFactory(organisation=scenario.organisation))
    for url in [
        reverse("calls_admin_settings"),
        reverse("consultations_moderation"),
        "/admin/pages/add/cms/standardpage/3/",
    ]:
        assert staff.post(url, {"kind": "service", "service-name": "x"}).status_code == 403, url


def _values(route, scenario):
    ids = {
        "consultation_id": scenario.consultation.pk,
        "statement_id": scenario.statement.pk,
        "idea_id": scenario.idea.pk,
        "comment_id": scenario.comment.pk,
        "item_id": scenario.idea.pk,
        "kind": "idea",
        "call_id": scenario.call.pk,
        "project_id": scenario.draft_dossier.pk,
        "attachment_id": scenario.draft_attachment.pk,
        "milestone_id": scenario.milestone.pk,
        "assignment_id": scenario.assignment.pk,
        "slug": scenario.initiative.slug,
    }
    return ids


SQL = [
    "' OR 1=1 --",
    "1; DROP TABLE accounts_user; --",
    '" OR ""="',
    "%' UNION SELECT password FROM accounts_user --",
    "\x00",
    "1e309",
]


@pytest.mark.parametrize("value", SQL)
def test_sql_looking_filter_values_are_plain_text(client, value):
    """Search, the commons catalogue and the back office's lists: 200 or 400, never 500, no effect."""
    scenario = scenario_create()
    public = [
        (reverse("search"), ["q", "kind", "theme", "status", "page"]),
        (reverse("commons_initiative_list"), ["q", "theme", "territory", "scale", "licence", "page"]),
        (reverse("budgets_votes_list"), ["page"]),
        (reverse("idea_list", args=[scenario.consultation.pk]), ["q", "theme", "status", "sort", "page"]),
        (reverse("idea_similar", args=[scenario.consultation.pk]), ["title", "q"]),
    ]
    for url, keys in public:
        response = client.get(url, dict.fromkeys(keys, value))
        assert response.status_code in (200, 400), (url, response.status_code)
        assert "SECRET-" not in response.content.decode(errors="replace")
    official = OfficialFactory(organisation=scenario.organisation)
    users = User.objects.count()
    client.force_login(official)
    back_office = [
        (
            reverse("calls_admin_projects", args=[scenario.call.pk]),
            ["status", "tag", "service", "q", "page", "sort"],
        ),
        (
            reverse("feedback_report_answers", args=[scenario.consultation.pk]),
            ["version", "question", "theme", "page"],
        ),
        (reverse("feedback_report_detail", args=[scenario.consultation.pk]), ["version"]),
        (reverse("consultations_idea_answers"), ["status", "consultation", "q", "page"]),
        ("/admin/pages/search/", ["q", "p"]),
    ]
    for url, keys in back_office:
        response = client.get(url, dict.fromkeys(keys, value))
        assert response.status_code in (200, 302, 400, 404), (url, response.status_code)
    assert User.objects.count() == users


@pytest.mark.parametrize(
    "name", ["../../../etc/passwd", "..\\..\\settings.py", "/etc/passwd", "a/../../b.pdf", "\x00.pdf"]
)
def test_a_file_name_cannot_escape_the_private_storage(client, name, tmp_path, settings):
    """Dossier attachments are stored under a random name in the private root; the name typed by the
    sender is only shown back, and sent as a download name without its path."""
    from pathlib import Path

    applicant = UserFactory()
    project = project_create(call_create(), applicant)
    project.attachments.all().delete()
    client.force_login(applicant)
    response = client.post(
        reverse("calls_attachment_add", args=[project.pk]),
        {
            "document": project.call.documents.first().pk,
            "file": SimpleUploadedFile(name, PDF, "application/pdf"),
        },
    )
    assert response.status_code in (200, 302, 400)
    attachment = Attachment.objects.filter(project=project).first()
    if attachment is None:
        return  # refused outright (an empty name): nothing stored
    root = Path(settings.PRIVATE_ROOT).resolve()
    stored = Path(attachment.file.path).resolve()
    assert root in stored.parents
    assert ".." not in attachment.file.name
    assert "passwd" not in attachment.file.name
    assert "/" not in attachment.original_name
    assert "\\" not in attachment.original_name.replace("\\\\", "")
    download = client.get(reverse("calls_attachment", args=[project.pk, attachment.pk]))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert "/" not in disposition.split("filename", 1)[1]


def test_media_and_document_addresses_refuse_traversal(client):
    for path in [
        "/media/../private/",
        "/media/..%2f..%2fconfig%2fsettings.py",
        "/documents/1/..%2f..%2fsettings.py",
    ]:
        assert client.get(path).status_code in (400, 404), path  # 400: Django refuses a suspicious path


def test_extra_fields_in_a_form_are_ignored(client):
    """Mass assignment: status, applicant, organisation, is_staff… posted with a form change nothing."""
    person = UserFactory()
    someone_else = UserFactory()
    client.force_login(person)
    response = client.post(
        reverse("account_profile"),
        {
            "pseudonym": "Nouveau",
            "language": "fr",
            "email_digest": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "email": "pris@example.org",
            "groups": "1",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.pseudonym, person.is_staff, person.is_superuser) == ("Nouveau", False, False)
    assert person.email != "pris@example.org"
    assert not person.groups.exists()

    call = call_create()
    draft = project_create(call, person)
    extra = {
        "status": Project.Status.SELECTED,
        "applicant": someone_else.pk,
        "reference": "HACK",
        "call": call_create(title="Autre appel").pk,
        "status_reason": "Lauréat",
        "service": "1",
    }
    response = client.post(reverse("calls_project", args=[draft.pk]), {**dossier_data(), **extra})
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT
    assert (draft.applicant, draft.call, draft.reference, draft.status_reason) == (person, call, "", "")

    official = OfficialFactory(organisation=OrganisationFactory())
    target = OrganisationFactory()
    client.force_login(official)
    response = client.post(
        reverse("calls_admin_settings"),
        {"kind": "service", "service-organisation": target.pk, "service-name": "Infiltré"},
    )
    assert response.status_code in (200, 400)
    assert not Service.objects.filter(organisation=target).exists()


PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(1)>'


def test_scripts_typed_anywhere_are_shown_as_text(client):
    """The moderation reason, an official's answer, a dossier's title, a comment, the pseudonym: each
    typed with a script, each page showing it escapes it."""
    from consultations.services.comments import comment_post

    scenario = scenario_create()
    owner = scenario.people["participant"]
    User.objects.filter(pk=owner.pk).update(pseudonym=PAYLOAD[:50])
    comment_post(target=scenario.idea, author=owner, text=PAYLOAD, stance="for")
    from consultations.models import Idea, Statement

    Statement.objects.filter(pk=scenario.hidden_statement.pk).update(moderation_reason=PAYLOAD)
    Idea.objects.filter(pk=scenario.idea.pk).update(answer=PAYLOAD, theme=PAYLOAD[:100])
    Project.objects.filter(pk=scenario.draft_dossier.pk).update(title=PAYLOAD, summary=PAYLOAD)
    pages = [
        scenario.consultation.url,
        scenario.idea.get_absolute_url(),
        reverse("idea_list", args=[scenario.consultation.pk]),
        reverse("my_contributions"),
        reverse("calls_projects_mine"),
        reverse("calls_project", args=[scenario.draft_dossier.pk]),
        reverse("account_profile"),
    ]
    for persona in ("participant", "moderator"):
        client.force_login(scenario.people[persona])
        urls = (
            pages
            if persona == "participant"
            else [reverse("consultations_moderation"), scenario.idea.get_absolute_url()]
        )
        for url in urls:
            response = client.get(url)
            html = response.content.decode()
            assert response.status_code == 200, url
            assert "<script>alert(1)" not in html, url
            assert "<img src=x" not in html, url
    assert PERSONAS
    assert settings.X_FRAME_OPTIONS == "DENY"
