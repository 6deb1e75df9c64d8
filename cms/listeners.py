"""What the public site does when Wagtail, Django or a lower layer (core/events.py) announce something;
connected once, by `CmsConfig.ready()`."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from accounts.events import public_name_changed
from cms.branding import site_branding_forget
from cms.models import OutcomePage, SiteSettings
from cms.selectors import site_footer_forget
from cms.services import outcome_published
from cms.sites import sites_forget
from consultations.events import comment_edited, contributions_changed
from core.page_cache import page_cache_forget


def _outcome_published(sender, instance, **kwargs):
    outcome_published(page=instance)


def _footer_changed(sender, **kwargs):
    # The page signals are heard for every page type: only pages, sites and settings matter. After the
    # commit, so that a request in between cannot put the old footer back for FOOTER_SECONDS.
    if sender is SiteSettings and kwargs.get("created"):
        # The settings of a site are created empty when first read (`SiteSettings.for_request`, by any
        # request, a participant's answer included): nothing shown has changed yet.
        return
    if sender in (SiteSettings, Site):
        # The brand (name, logo, colours, theme) is in the settings and the site; now and after commit.
        site_branding_forget()
        transaction.on_commit(site_branding_forget)
    if sender is Site:
        # Now, and again after the commit (a request in between may have kept the old site).
        sites_forget()
        transaction.on_commit(sites_forget)
    if sender is None or issubclass(sender, (Page, Site, SiteSettings)):
        transaction.on_commit(site_footer_forget)
        # The pages kept for visitors (core/page_cache.py) show the same pages, links and settings.
        transaction.on_commit(page_cache_forget)


def _pages_forget(**ids) -> None:
    page_cache_forget()


def connect() -> None:
    # The pages kept for visitors (core/page_cache.py) show contributions and their authors' public
    # names: once a change of them is committed, they are forgotten, so that what was taken down is not
    # shown for another minute.
    for event in (contributions_changed, comment_edited, public_name_changed):
        event.listen(_pages_forget, on_commit=True)
    # The one way to hear of every publication, from the admin, a scheduled publication or code;
    # the service decides what it means.
    page_published.connect(_outcome_published, sender=OutcomePage, dispatch_uid="cms.outcome_published")
    # The footer kept across requests (cms.selectors.site_footer) follows any change of the pages
    # it may link to (their address, whether they are live, the statement's audit) and settings;
    # so do the pages kept for visitors (core.page_cache).
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_footer_changed, dispatch_uid=f"cms.footer.{id(signal)}")
    # A page's deletion removes its `Page` row too, heard here; a receiver for every model would
    # turn off Django's fast deletes everywhere.
    post_delete.connect(_footer_changed, sender=Page, dispatch_uid="cms.footer.delete")
    post_save.connect(_footer_changed, sender=SiteSettings, dispatch_uid="cms.footer.settings")
    post_save.connect(_footer_changed, sender=Site, dispatch_uid="cms.footer.site")
    post_delete.connect(_footer_changed, sender=Site, dispatch_uid="cms.footer.site_delete")
