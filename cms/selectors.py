"""Reads of the public site."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import F, Q
from django.utils.translation import get_language
from wagtail.models import Page, Site

from cms.models import (
    AccessibilityStatementPage,
    AccessibilityStatus,
    ContactPage,
    OutcomePage,
    SitemapPage,
    SiteSettings,
)
from reports.schema import Report

# Pages of which a site has one, linked from the footer without being chosen in the settings.
FOUND_BY_TYPE = {SitemapPage: "sitemap", ContactPage: "contact"}

_FOOTER = "_concerto_footer"
# The footer is the same for every visitor of a site in a language: kept in the cache across requests
# and forgotten whenever a page or the site settings change (`site_footer_forget`, cms/apps.py). The
# lifetime only bounds what a missed signal (a change made in SQL) could leave behind.
FOOTER_SECONDS = 600


def _footer_key(site_id: int, language: str) -> str:
    return f"cms:footer:{site_id}:{language}"


def site_footer(request) -> dict:
    """The footer's links and the accessibility status: from the cache, else in three queries
    (settings, statement, linked pages); once per request either way.

    The status is "not compliant" while no statement page is published or no audit result is entered.
    """
    cached = getattr(request, _FOOTER, None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request)
    key = _footer_key(site.pk, get_language()) if site else None
    footer = cache.get(key) if key else None
    if footer is None:
        footer = _site_footer_read(request)
        if key:
            cache.set(key, footer, FOOTER_SECONDS)
    setattr(request, _FOOTER, footer)
    return footer


def site_footer_forget() -> None:
    """A page or the site settings changed: every site's footer is read again at its next request."""
    languages = [code for code, _name in settings.LANGUAGES]
    cache.delete_many(
        [
            _footer_key(site_id, language)
            for site_id in Site.objects.values_list("pk", flat=True)
            for language in languages
        ]
    )


def _site_footer_read(request) -> dict:
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
    return {
        "links": links,
        "statement_url": statement.get_url(request) if statement else None,
        "status": str(statement.status if statement else AccessibilityStatus.NONE),
        "audited": bool(statement and statement.audit_date and statement.audit_rate is not None),
    }


def outcome_map_latest(*, consultation_id: int) -> dict | None:
    """The map of opinions of the consultation's latest published outcome page that pins a report
    version, from that version (never the latest compile): the outcome page and the version's
    statements section, or None when there is no such page or its version has no map.

    A closed consultation's page asks for it on every visit that the page cache does not answer: one
    query, which reads only the map out of the version's data (a key path in the database), not the
    whole report, which can weigh megabytes. The section holds the map and nothing else."""
    outcome = (
        OutcomePage.objects.live()
        .public()
        .filter(consultation_id=consultation_id, report_version__isnull=False)
        .annotate(
            map_format=F("report_version__data__format"),
            map_data=F("report_version__data__statements__opinion_map"),
        )
        .defer_streamfields()
        .order_by("-first_published_at", "-pk")
        .first()
    )
    if outcome is None or outcome.map_data is None:
        return None
    # Read through the report's format like every other reader (a version without "format" is of
    # format 1; a newer one than this code reads raises UnknownFormat, answered 503).
    stored = {"statements": {"opinion_map": outcome.map_data}}
    if outcome.map_format is not None:
        stored["format"] = outcome.map_format
    section = Report.from_data(stored).statements
    if not section.opinion_map.groups:
        return None
    return {"outcome": outcome, "statements": section}
