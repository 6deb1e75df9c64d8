import pytest

from cms.models import (
    AccessibilityStatementPage,
    ContactPage,
    HomePage,
    NewsIndexPage,
    SitemapPage,
    SiteSettings,
    StandardPage,
)


@pytest.fixture
def home(db):
    return HomePage.objects.get()


def page_add(parent, model, **fields):
    page = model(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def statement(home):
    return page_add(
        home,
        AccessibilityStatementPage,
        title="Accessibilité",
        slug="accessibilite",
        organisation_name="La Ville d’Exemple",
        service_name="le site de participation de la Ville d’Exemple",
    )


@pytest.fixture
def site_pages(home, statement):
    """The pages of the footer, as demo_load creates them, and the contact address."""
    pages = {
        "statement": statement,
        "contact": page_add(home, ContactPage, title="Contact", slug="contact"),
        "sitemap": page_add(home, SitemapPage, title="Plan du site", slug="plan-du-site"),
        "news": page_add(home, NewsIndexPage, title="Actualités", slug="actualites"),
        "legal": page_add(
            home, StandardPage, title="Mentions légales", slug="mentions-legales", body="<p>x</p>"
        ),
        "help": page_add(home, StandardPage, title="Aide", slug="aide", body="<p>Aide</p>"),
    }
    site_settings = SiteSettings.for_site(home.get_site())
    site_settings.legal_notice_page = pages["legal"]
    site_settings.help_page = pages["help"]
    site_settings.contact_email = "contact@ville.example"
    site_settings.save()
    return pages
