"""Reads of the public site."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page

from .models import AccessibilityStatementPage, AccessibilityStatus, ContactPage, SitemapPage, SiteSettings

# Pages of which a site has one, linked from the footer without being chosen in the settings.
FOUND_BY_TYPE = {SitemapPage: "sitemap", ContactPage: "contact"}

_FOOTER = "_concerto_footer"


def site_footer(request) -> dict:
    """The footer's links and the accessibility status, in three queries (settings, statement, linked
    pages), once per request.

    The status is "not compliant" while no statement page is published or no audit result is entered.
    """
    cached = getattr(request, _FOOTER, None)
    if cached is not None:
        return cached
    site_settings = SiteSettings.for_request(request)
    statement = (
        AccessibilityStatementPage.objects.live()
        .only("id", "url_path", "title", "audit_date", "audit_rate", "depth", "path")
        .first()
    )
    ids = {
        "privacy": site_settings.privacy_page_id,
        "legal_notice": site_settings.legal_notice_page_id,
        "help": site_settings.help_page_id,
    }
    kinds = {ContentType.objects.get_for_model(model).pk: name for model, name in FOUND_BY_TYPE.items()}
    pages = (
        Page.objects.live()
        .filter(Q(pk__in=[pk for pk in ids.values() if pk]) | Q(content_type_id__in=kinds))
        .only("id", "url_path", "title", "depth", "path", "content_type")
    )
    names = {pk: name for name, pk in ids.items() if pk}
    links = {}
    for page in pages:
        name = names.get(page.pk) or kinds.get(page.content_type_id)
        if name:
            links[name] = page.get_url(request)
    footer = {
        "links": links,
        "statement_url": statement.get_url(request) if statement else None,
        "status": statement.status if statement else AccessibilityStatus.NONE,
        "audited": bool(statement and statement.audit_date and statement.audit_rate is not None),
    }
    setattr(request, _FOOTER, footer)
    return footer
