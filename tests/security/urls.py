"""Every URL pattern of the site, filled in with the objects of a `Scenario`, and who may open it.

`ROUTES` classifies each pattern by its route (as the resolver spells it). A pattern that is neither in
`ROUTES` nor covered by a generic rule (Wagtail's own admin, the REST API) makes
`test_every_url_pattern_is_classified` fail and name it: add it here with who may open it.
"""

import re

from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.scenario import PERSONAS

SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
EVERYONE = frozenset(PERSONAS)
NOBODY = frozenset()
STAFF = frozenset({"official_elsewhere", "moderator", "editor"})
MEDIA_ROUTE = "^media/(?P<path>.*)$"
PASSWORD_FORM = "password form"  # a page behind a password: the form to type it, not the page
ANY = None  # no status expected (allauth's own journeys); responses are still checked for leaks


def only(*personas):
    return frozenset(personas)


def _c(s):
    return s.consultation.pk


# route -> (fill(scenario) -> list of kwargs dicts, the personas who get a 200; the others are refused)
ROUTES = {
    # Accounts
    "profile/": (lambda s: [{}], SIGNED_IN),
    "profile/data/": (lambda s: [{}], SIGNED_IN),
    "profile/delete/": (lambda s: [{}], SIGNED_IN),
    "profile/invitation/<str:token>/": (lambda s: [{"token": "not-a-real-token"}], NOBODY),
    "profile/unsubscribe/<str:token>/": (lambda s: [{"token": "tampered"}], NOBODY),
    "profile/api-tokens/": (lambda s: [{}], SIGNED_IN),
    "profile/api-tokens/<int:token_id>/revoke/": (lambda s: [{"token_id": 999999}], NOBODY),  # POST only
    # Open data: drafts are not published (a not-yet-closed consultation's page says when: leaks checked)
    "open-data/": (lambda s: [{}], EVERYONE),
    "open-data/consultations/<id:consultation_id>/": (
        lambda s: [{"consultation_id": s.draft_consultation.pk}],
        NOBODY,
    ),
    "open-data/consultations/<id:consultation_id>/<str:filename>": (
        lambda s: [
            {"consultation_id": s.draft_consultation.pk, "filename": "statements.csv"},
            {"consultation_id": _c(s), "filename": "statements.csv"},
        ],
        NOBODY,
    ),
    "open-data/calls/dispositif-aide.csv": (lambda s: [{}], EVERYONE),
    "open-data/calls/<id:call_id>/": (lambda s: [{"call_id": s.draft_call.pk}], NOBODY),
    "open-data/calls/<id:call_id>/<str:filename>": (
        lambda s: [{"call_id": s.draft_call.pk, "filename": "projects.csv"}],
        NOBODY,
    ),
    "open-data/feeds/consultations.rss": (lambda s: [{}], EVERYONE),
    "open-data/feeds/consultations.ics": (lambda s: [{}], EVERYONE),
    "open-data/feeds/calls.rss": (lambda s: [{}], EVERYONE),
    "open-data/feeds/calls.ics": (lambda s: [{}], EVERYONE),
    # Consultations
    "consultations/mine/": (lambda s: [{}], SIGNED_IN),
    "consultations/<id:consultation_id>/follow/": (
        lambda s: [{"consultation_id": _c(s)}, {"consultation_id": s.draft_consultation.pk}],
        NOBODY,  # POST only
    ),
    "consultations/<id:consultation_id>/statements/": (lambda s: [{"consultation_id": _c(s)}], SIGNED_IN),
    "consultations/<id:consultation_id>/statements/deck/": (
        lambda s: [{"consultation_id": _c(s)}],
        SIGNED_IN,
    ),
    "consultations/<id:consultation_id>/statements/new/": (lambda s: [{"consultation_id": _c(s)}], SIGNED_IN),
    "consultations/<id:consultation_id>/statements/<id:statement_id>/vote/": (
        lambda s: [{"consultation_id": _c(s), "statement_id": s.statement.pk}],
        NOBODY,  # POST only
    ),
    "consultations/<id:consultation_id>/statements/<id:statement_id>/": (
        lambda s: [
            {"consultation_id": _c(s), "statement_id": s.statement.pk},
        ],
        EVERYONE,
    ),
    "consultations/<id:consultation_id>/ideas/": (lambda s: [{"consultation_id": _c(s)}], EVERYONE),
    "consultations/<id:consultation_id>/ideas/<id:idea_id>/": (
        lambda s: [{"consultation_id": _c(s), "idea_id": s.idea.pk}],
        EVERYONE,
    ),
    "consultations/<id:consultation_id>/comments/<id:comment_id>/edit/": (
        lambda s: [{"consultation_id": _c(s), "comment_id": s.comment.pk}],
        only("participant"),
    ),
    "consultations/<id:consultation_id>/comments/<id:comment_id>/delete/": (
        lambda s: [{"consultation_id": _c(s), "comment_id": s.comment.pk}],
        NOBODY,  # POST only
    ),
    "consultations/<id:consultation_id>/report/<str:kind>/<id:item_id>/": (
        lambda s: [
            {"consultation_id": _c(s), "kind": "idea", "item_id": s.idea.pk},
            {"consultation_id": _c(s), "kind": "statement", "item_id": s.statement.pk},
            {"consultation_id": _c(s), "kind": "comment", "item_id": s.comment.pk},
        ],
        SIGNED_IN - {"participant"},  # nobody reports their own contributions
    ),
    "consultations/<id:consultation_id>/ideas/new/": (lambda s: [{"consultation_id": _c(s)}], SIGNED_IN),
    "consultations/<id:consultation_id>/ideas/similar/": (lambda s: [{"consultation_id": _c(s)}], EVERYONE),
    "consultations/<id:consultation_id>/ideas/<id:idea_id>/support/": (
        lambda s: [{"consultation_id": _c(s), "idea_id": s.idea.pk}],
        NOBODY,  # POST only
    ),
    # Commons
    "commons/": (lambda s: [{}], EVERYONE),
    "commons/<slug:slug>/": (lambda s: [{"slug": s.initiative.slug}], EVERYONE),
    "commons/<slug:slug>/reuse/": (lambda s: [{"slug": s.initiative.slug}], NOBODY),  # POST only
    # Calls for projects
    "calls/<id:call_id>/apply/": (lambda s: [{"call_id": s.call.pk}], SIGNED_IN),
    "calls/<id:call_id>/laureates/": (lambda s: [{"call_id": s.call.pk}], NOBODY),  # none published yet
    "calls/laureates/<id:project_id>/follow/": (
        lambda s: [{"project_id": s.submitted_dossier.pk}],
        NOBODY,  # POST only
    ),
    "calls/dossiers/": (lambda s: [{}], SIGNED_IN),
    "calls/dossiers/<id:project_id>/": (
        lambda s: [
            {"project_id": s.draft_dossier.pk},
            ({"project_id": s.submitted_dossier.pk}, only("participant", "evaluator")),  # assigned to it
        ],
        only("participant"),
    ),
    "calls/dossiers/<id:project_id>/receipt/": (
        lambda s: [{"project_id": s.submitted_dossier.pk}],
        only("participant"),
    ),
    "calls/dossiers/<id:project_id>/attachments/": (
        lambda s: [{"project_id": s.draft_dossier.pk}],
        NOBODY,  # POST only
    ),
    "calls/dossiers/<id:project_id>/attachments/<id:attachment_id>/": (
        lambda s: [
            {"project_id": s.draft_dossier.pk, "attachment_id": s.draft_attachment.pk},
            (
                {"project_id": s.submitted_dossier.pk, "attachment_id": s.submitted_attachment.pk},
                only("participant", "evaluator"),
            ),
        ],
        only("participant"),
    ),
    "calls/dossiers/<id:project_id>/attachments/<id:attachment_id>/delete/": (
        lambda s: [{"project_id": s.draft_dossier.pk, "attachment_id": s.draft_attachment.pk}],
        NOBODY,  # POST only
    ),
    "calls/dossiers/<id:project_id>/milestones/": (
        lambda s: [{"project_id": s.submitted_dossier.pk}],
        NOBODY,  # POST only
    ),
    "calls/dossiers/<id:project_id>/milestones/<id:milestone_id>/": (
        lambda s: [{"project_id": s.submitted_dossier.pk, "milestone_id": s.milestone.pk}],
        NOBODY,  # POST only
    ),
    "calls/evaluations/": (lambda s: [{}], SIGNED_IN),
    "calls/evaluations/<id:assignment_id>/": (
        lambda s: [{"assignment_id": s.assignment.pk}],
        only("evaluator"),
    ),
    "calls/evaluations/invitation/<str:token>/": (lambda s: [{"token": "not-a-real-token"}], NOBODY),
    "calls/evaluations/<id:assignment_id>/declare/": (lambda s: [{"assignment_id": s.assignment.pk}], NOBODY),
    "calls/evaluations/<id:assignment_id>/score/": (lambda s: [{"assignment_id": s.assignment.pk}], NOBODY),
    # Participatory budgets (no vote in the scenario: unknown ids are refused)
    "budgets/": (lambda s: [{}], EVERYONE),
    "budgets/<id:vote_id>/": (lambda s: [{"vote_id": 999999}], NOBODY),
    "budgets/<id:vote_id>/results/": (lambda s: [{"vote_id": 999999}], NOBODY),
    "budgets/<id:vote_id>/results.pb": (lambda s: [{"vote_id": 999999}], NOBODY),
    "budgets/<id:vote_id>/paper/": (lambda s: [{"vote_id": 999999}], NOBODY),
    # Search, files, languages, sitemap
    "search/": (lambda s: [{}], EVERYONE),
    # The main navigation's section lists, and a site's colours (an unknown version is a 404)
    "consultations/": (lambda s: [{}], EVERYONE),
    "calls/": (lambda s: [{}], EVERYONE),
    "outcomes/": (lambda s: [{}], EVERYONE),
    "^theme/(?P<version>[0-9a-f]{12})\\.css$": (lambda s: [{"version": "0123456789ab"}], NOBODY),
    "recherche/": (lambda s: [{}], ANY),
    "documents/^(\\d+)/(.*)$": (lambda s: [["999999", "x.pdf"]], NOBODY),
    "documents/authenticate_with_password/<int:restriction_id>/": (
        lambda s: [{"restriction_id": 999999}],
        NOBODY,
    ),
    "i18n/setlang/": (lambda s: [{}], ANY),
    "sitemap.xml": (lambda s: [{}], EVERYONE),
    "^media/(?P<path>.*)$": (lambda s: [{"path": "../private/calls"}, {"path": "..%2fprivate"}], NOBODY),
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": (
        lambda s: [{"page_view_restriction_id": 999999, "page_id": s.private_page.pk}],
        NOBODY,
    ),
    "_util/login/": (lambda s: [{}], ANY),
    # Pages of the tree, in every state
    "^((?:[\\w\\-]+/)*)$": (
        lambda s: [
            s.consultation.url,
            s.outcome.url,
            s.page.url,
            s.revised_page.url,  # its live version, not the draft of its next one
            s.call.url,
            ("/en-preparation/", NOBODY),
            ("/bilan-en-preparation/", NOBODY),
            ("/appel-en-preparation/", NOBODY),
            ("/page-expiree/", NOBODY),
            ("/page-privee/", PASSWORD_FORM),
        ],
        EVERYONE,
    ),
}

# Our own back-office views: who among the personas may open them (with objects of the `home`
# organisation; the official works elsewhere, the moderator moderates `home`).
ADMIN_ROUTES = {
    # Officials see their own organisation's invitations, ideas, calls (the official works elsewhere).
    "admin/invitations/": (lambda s: [{}], only("official_elsewhere")),
    "admin/moderation/": (lambda s: [{}], only("moderator")),
    "admin/moderation/bulk/": (lambda s: [{}], NOBODY),  # POST only
    "admin/moderation/<id:statement_id>/": (
        lambda s: [{"statement_id": s.hidden_statement.pk}],
        NOBODY,
    ),  # POST only
    "admin/moderation/<str:kind>/<id:item_id>/": (
        lambda s: [
            {"kind": "idea", "item_id": s.hidden_idea.pk},
            {"kind": "comment", "item_id": s.hidden_comment.pk},
        ],
        NOBODY,  # POST only
    ),
    "admin/ideas/<id:idea_id>/merge/": (lambda s: [{"idea_id": s.hidden_idea.pk}], only("moderator")),
    "admin/ideas/": (lambda s: [{}], only("official_elsewhere")),
    "admin/ideas/<id:idea_id>/answer/": (lambda s: [{"idea_id": s.idea.pk}], NOBODY),
    "admin/reports/": (lambda s: [{}], STAFF),
    "admin/reports/<id:consultation_id>/": (lambda s: [{"consultation_id": _c(s)}], NOBODY),
    "admin/reports/<id:consultation_id>/compile/": (lambda s: [{"consultation_id": _c(s)}], NOBODY),
    "admin/reports/<id:consultation_id>/status/": (lambda s: [{"consultation_id": _c(s)}], NOBODY),
    "admin/reports/<id:consultation_id>/export/<str:file_format>/": (
        lambda s: [
            {"consultation_id": _c(s), "file_format": "csv"},
            {"consultation_id": _c(s), "file_format": "xlsx"},
            {"consultation_id": _c(s), "file_format": "ods"},
        ],
        NOBODY,
    ),
    "admin/reports/<id:consultation_id>/export/<str:file_format>/status/": (
        lambda s: [
            {"consultation_id": _c(s), "file_format": "ods"},
            {"consultation_id": _c(s), "file_format": "x"},
        ],
        NOBODY,
    ),
    "admin/reports/download/<str:token>/": (lambda s: [{"token": "not-a-token"}], NOBODY),
    "admin/reports/<id:consultation_id>/answers/": (lambda s: [{"consultation_id": _c(s)}], NOBODY),
    "admin/reports/<id:consultation_id>/themes/correct/": (lambda s: [{"consultation_id": _c(s)}], NOBODY),
    "admin/reports/<id:consultation_id>/themes/undo/<id:correction_id>/": (
        lambda s: [{"consultation_id": _c(s), "correction_id": 999999}],
        NOBODY,
    ),
    "admin/commons/from-dossier/<int:project_id>/": (
        lambda s: [{"project_id": s.submitted_dossier.pk}],
        NOBODY,
    ),
    "admin/calls/": (lambda s: [{}], only("official_elsewhere")),
    "admin/calls/settings/": (lambda s: [{}], only("official_elsewhere")),
    "admin/calls/<id:call_id>/": (lambda s: [{"call_id": s.call.pk}], NOBODY),
    "admin/calls/<id:call_id>/bulk/": (lambda s: [{"call_id": s.call.pk}], NOBODY),
    "admin/calls/<id:call_id>/ranking/": (lambda s: [{"call_id": s.call.pk}], NOBODY),
    "admin/calls/<id:call_id>/export/": (lambda s: [{"call_id": s.call.pk}], NOBODY),
    "admin/calls/<id:call_id>/laureates/": (lambda s: [{"call_id": s.call.pk}], NOBODY),
    "admin/calls/exports/<id:export_id>/": (lambda s: [{"export_id": 999999}], NOBODY),
    "admin/calls/dossiers/<id:project_id>/": (lambda s: [{"project_id": s.submitted_dossier.pk}], NOBODY),
    "admin/calls/dossiers/<id:project_id>/status/": (
        lambda s: [{"project_id": s.submitted_dossier.pk}],
        NOBODY,
    ),
    "admin/calls/dossiers/<id:project_id>/assign/": (
        lambda s: [{"project_id": s.submitted_dossier.pk}],
        NOBODY,
    ),
    "admin/commons_initiatives/": (lambda s: [{}], ANY),
    "admin/commons_initiatives/results/": (lambda s: [{}], ANY),
    "admin/commons_initiatives/edit/<int:pk>/": (lambda s: [{"pk": s.unpublished_initiative.pk}], ANY),
    "admin/commons_initiatives/delete/<int:pk>/": (lambda s: [{"pk": s.unpublished_initiative.pk}], ANY),
    "admin/commons_initiatives/history/<int:pk>/": (lambda s: [{"pk": s.unpublished_initiative.pk}], ANY),
    "admin/commons_initiatives/history-results/<int:pk>/": (
        lambda s: [{"pk": s.unpublished_initiative.pk}],
        ANY,
    ),
    "admin/commons_initiatives/usage/<int:pk>/": (lambda s: [{"pk": s.unpublished_initiative.pk}], ANY),
    # Paper forms: the list shows one's own organisation's consultations; the home organisation's
    # consultation is nobody's here (the official works elsewhere).
    "admin/paper-forms/": (lambda s: [{}], ANY),
    "admin/paper-forms/<id:consultation_id>/": (lambda s: [{"consultation_id": _c(s)}], NOBODY),
    "admin/paper-forms/<id:consultation_id>/template.csv": (lambda s: [{"consultation_id": _c(s)}], NOBODY),
    "admin/paper-forms/<id:consultation_id>/upload/": (lambda s: [{"consultation_id": _c(s)}], NOBODY),
    "admin/paper-forms/<id:consultation_id>/new/": (lambda s: [{"consultation_id": _c(s)}], NOBODY),
    # The territory chooser of the back office's forms: the public referential, to anyone in the back office.
    "admin/territories/chooser/": (lambda s: [{}], STAFF),
    "admin/territories/chooser/results/": (lambda s: [{}], STAFF),
    "admin/territories/chooser/chosen/<str:pk>/": (lambda s: [{"pk": s.territory.pk}], STAFF),
    "admin/budgets_votes/": (lambda s: [{}], ANY),
    "admin/budgets_votes/results/": (lambda s: [{}], ANY),
    "admin/budgets_votes/edit/<int:pk>/": (lambda s: [{"pk": 999999}], ANY),
    "admin/budgets_votes/delete/<int:pk>/": (lambda s: [{"pk": 999999}], ANY),
    "admin/budgets_votes/history/<int:pk>/": (lambda s: [{"pk": 999999}], ANY),
    "admin/budgets_votes/history-results/<int:pk>/": (lambda s: [{"pk": 999999}], ANY),
    "admin/budgets_votes/usage/<int:pk>/": (lambda s: [{"pk": 999999}], ANY),
}

# allauth's journeys (sign in, sign up, passwords, two-factor, providers): its own rules decide; the
# responses are still checked for leaks.
ALLAUTH_PREFIX = "accounts/"
OUR_MODULES = ("accounts", "cms", "config", "consultations", "search")


def url_patterns():
    """(route, pattern, module of its view) of every pattern the resolver knows, in order."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                module = getattr(pattern.callback, "__module__", "") or ""
                yield prefix + str(pattern.pattern), pattern, module

    return list(walk(get_resolver().url_patterns))


def rule_of(route: str, module: str) -> str | None:
    """Which family a pattern belongs to, or None if nobody classified it."""
    if route in ROUTES:
        return "route"
    if route in ADMIN_ROUTES:
        return "admin"
    if route.startswith("admin/") and not module.startswith(OUR_MODULES):
        return "wagtail_admin"
    if route.startswith(ALLAUTH_PREFIX) and module.startswith(("allauth", "django.views.generic")):
        return "allauth"
    if route.startswith("api/"):
        return "api"
    return None


_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def path_filled(route: str, values=None) -> str:
    """`route` with its parameters filled in: from `values` (a dict, or a list for positional groups
    of a regular expression), else with a placeholder of the converter's kind."""
    values = values if values is not None else {}
    if "^" in route or "$" in route:
        route = _regex_filled(route, values)

    def fill(match):
        name = match["name"]
        if name in values:
            return str(values[name])
        return "1" if match["converter"] in ("int", "id") else "x"

    return "/" + _PARAMETER.sub(fill, route)


def _regex_filled(route: str, values) -> str:
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    groups = iter(values) if isinstance(values, list) else None

    def fill(match):
        named = re.match(r"\(\?P<(\w+)>", match.group(0))
        if named and isinstance(values, dict) and named.group(1) in values:
            return str(values[named.group(1)])
        if groups is not None:
            return str(next(groups, "1"))
        return "1" if "\\d" in match.group(0) else "x"

    # One level of nesting is enough for the patterns Django, Wagtail and allauth declare.
    route = re.sub(r"\((?:[^()]|\([^()]*\))*\)", fill, route)
    return route.replace(".*", "x")
