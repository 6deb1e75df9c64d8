from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.permissions import is_administrator
from cms import cards, selectors
from cms.dashboard import dashboard_panels, dashboard_visit_record
from cms.models import SiteMessage
from cms.permissions import desk_of
from cms.views import site_message_page_serve
from core.page_cache import page_cache_mark

# Rules of axe-core that the editors' checker runs, on top of Wagtail's own: those an editor's content
# can break (RGAA themes 1 images, 3 colours, 6 links, 8 language, 9 structure, 11 forms).
RGAA_EDITOR_RULES = [
    "image-alt",
    "role-img-alt",
    "input-image-alt",
    "color-contrast",
    "link-name",
    "valid-lang",
    "html-has-lang",
    "document-title",
    "list",
    "listitem",
    "table-duplicate-name",
    "th-has-data-cells",
    "label",
    "duplicate-id-aria",
]


class RgaaContentCheckerItem(ContentCheckerItem):
    """Wagtail's accessibility checker ("Checks" in the editor and the userbar), with the rules above."""

    axe_run_only = [*ContentCheckerItem.axe_run_only, *RGAA_EDITOR_RULES]
    axe_messages = {
        **ContentCheckerItem.axe_messages,
        "image-alt": {
            "error_name": _("Image without a text alternative"),
            "help_text": _("Describe the image, or mark it as decorative"),
        },
        "color-contrast": {
            "error_name": _("Text contrast too low"),
            "help_text": _("Text needs a contrast ratio of at least 4.5:1 with its background"),
        },
        "valid-lang": {
            "error_name": _("Unknown language code"),
            "help_text": _("Use a language code such as “en” or “de”"),
        },
    }


@hooks.register("before_serve_page")
def mark_page_cacheable(page, request, serve_args, serve_kwargs):
    """A live page without view restrictions may be kept for visitors (core/page_cache.py)."""
    page_cache_mark(page=page, request=request)


# A hook of ours: how the pages with a message form (cms/models.py) are served, by a view that imports
# the models and so cannot be imported by them.
hooks.register("serve_site_message_page", site_message_page_serve)
# Another: what the home page shows (cms/cards.py reads the models, so the home page's model asks here).
hooks.register("home_page_context", cards.home_context)


@hooks.register("construct_wagtail_userbar")
def use_rgaa_content_checker(request, items, page):
    """Keep the checker on for editors, configured for the RGAA."""
    for index, item in enumerate(items):
        if type(item) is ContentCheckerItem:
            items[index] = RgaaContentCheckerItem(in_editor=item.in_editor)


class SiteMessageViewSet(SnippetViewSet):
    """Messages of the contact and accessibility forms, for the team to read and answer."""

    model = SiteMessage
    icon = "mail"
    menu_label = _("Messages")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["__str__", "kind", "created_at", "forwarded_at"]
    list_filter = ["kind"]
    inspect_view_enabled = True


register_snippet(SiteMessageViewSet)


@hooks.register("closed_consultation_panels")  # consultations/views.py: CLOSED_PANELS_HOOK
def outcome_map_panel(*, request, consultation):
    """A closed consultation's page shows the map of opinions of its latest outcome page."""
    found = selectors.outcome_map_latest(consultation_id=consultation.pk)
    return {"template": "cms/includes/outcome_map_panel.html", "context": found} if found else None


@hooks.register("construct_homepage_panels")
def what_waits_for_them(request, panels):
    """The back office opens on what waits for the person (cms/dashboard.py), before Wagtail's own
    panels (pages awaiting their review or in moderation, their latest edits, their locked pages),
    which show only when they have something and come after ours (their order is 210 and above)."""
    moment = timezone.now()
    desk = desk_of(request.user)
    since = dashboard_visit_record(user=request.user, moment=moment)
    panels.extend(dashboard_panels(user=request.user, desk=desk, since=since, moment=moment))


# After Wagtail's own hooks, which add the items.
@hooks.register("construct_homepage_summary_items", order=100)
def summary_for_administrators(request, summary_items):
    """The count of pages, images and documents tells an official or an editor nothing about what waits
    for them: only administrators keep it."""
    if not is_administrator(request.user):
        summary_items.clear()
