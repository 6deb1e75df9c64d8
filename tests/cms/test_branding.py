"""A site's brand: its name, logo and colours from the site settings (checked for contrast when saved),
served as a stylesheet of its own; the State's theme (DSFR) for State sites; French content marked as
such on English pages (RGAA 8.7)."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site
from wagtail.users.models import UserProfile

from cms.models import DEFAULT_COLOURS, SiteSettings, StandardPage
from tests.cms.conftest import page_add
from tests.factories import AdministratorFactory

ROOT = Path(django_settings.BASE_DIR)


@pytest.fixture
def site(home):
    return home.get_site()


@pytest.fixture
def admin(client, db):
    client.force_login(AdministratorFactory())
    return client


@pytest.fixture
def admin_en(client, db):
    """An administrator whose back office speaks English."""
    user = AdministratorFactory()
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
    client.force_login(user)
    return client


def settings_form(**changes) -> dict:
    return {
        "privacy_page": "",
        "legal_notice_page": "",
        "help_page": "",
        "contact_email": "",
        "site_name": "Ville d’Exemple",
        "logo": "",
        "show_name": "on",
        "accent_colour": "",
        "accent_dark_colour": "",
        "header_colour": "",
        "home_image": "",
        "theme": "concerto",
        **changes,
    }


def settings_save(site, **fields) -> SiteSettings:
    site_settings = SiteSettings.for_site(site)
    for name, value in fields.items():
        setattr(site_settings, name, value)
    site_settings.full_clean()
    site_settings.save()
    return site_settings


def stylesheets(client, path="/") -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', client.get(path).content.decode())


def own_stylesheet(client) -> str | None:
    return next((href for href in stylesheets(client) if href.startswith("/theme/")), None)


# The editor ------------------------------------------------------------------------------------------


def edit_url(site) -> str:
    return reverse("wagtailsettings:edit", args=["cms", "sitesettings", site.pk])


def test_a_colour_too_pale_for_white_text_is_refused_in_french(admin, site):
    response = admin.post(edit_url(site), settings_form(accent_colour="#7f9fff"))
    assert response.status_code == 200
    page = response.content.decode()
    # The ratio in French figures; the sentence in French once the catalogue has it (locale/fr).
    assert re.search(r"contrast[e]? (of|de) 2,52:1", page)
    assert SiteSettings.for_site(site).accent_colour == ""


def test_the_contrast_error_speaks_the_editors_language(admin_en, site):
    response = admin_en.post(edit_url(site), settings_form(header_colour="#8a8a8a"))
    page = response.content.decode()
    assert "On this background, the links in the accent colour would have a contrast of 2.24:1;" in page
    assert "4.5:1 at least is needed. Choose a lighter colour." in page
    assert SiteSettings.for_site(site).header_colour == ""


def test_an_accent_too_close_to_the_header_background_is_refused(admin_en, site):
    # Each passes on white, but the links in the accent would not read on that background.
    response = admin_en.post(edit_url(site), settings_form(accent_colour="#6b6b6b", header_colour="#e6e6e6"))
    assert "the links in the accent colour would have a contrast of 4.26:1" in response.content.decode()


def test_an_unreadable_value_is_refused_with_its_own_message(admin, site):
    response = admin.post(edit_url(site), settings_form(accent_colour="blue"))
    assert response.status_code == 200
    assert "#1f4fa3" in response.content.decode()  # the example of the expected form


def test_good_colours_and_the_name_are_saved_and_shown(admin, client, site):
    response = admin.post(edit_url(site), settings_form(accent_colour="#6a1b9a", header_colour="#fdf6e3"))
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.site_name == "Ville d’Exemple"  # one name: the Wagtail site's, which e-mails use too
    assert SiteSettings.for_site(site).accent_colour == "#6a1b9a"
    client.logout()
    assert '<span class="brand-name">Ville d’Exemple</span>' in client.get("/").content.decode()


def test_the_default_colours_checked_against_are_the_default_themes(db):
    theme = (ROOT / "config" / "static" / "css" / "theme.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", theme))
    for name, value in DEFAULT_COLOURS.items():
        assert colours[name].lower() == value


# The site's stylesheet ----------------------------------------------------------------------------


def test_without_colours_or_logo_no_stylesheet_of_its_own_is_linked(client, home):
    assert own_stylesheet(client) is None
    assert stylesheets(client)[0] == "/static/css/theme.css"


def test_the_sites_colours_are_served_as_a_stylesheet_kept_for_a_year(client, site):
    settings_save(site, accent_colour="#6A1B9A", header_colour="#fdf6e3")
    href = own_stylesheet(client)
    assert re.fullmatch(r"/theme/[0-9a-f]{12}\.css", href)
    assert stylesheets(client).index(href) == 1  # after the theme's, whose colours it replaces
    response = client.get(href)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=31536000" in cache_control
    assert "immutable" in cache_control
    css = response.content.decode()
    assert "--accent: #6a1b9a;" in css
    assert "--accent-dark: #501474;" in css  # a quarter darker when none is given
    assert "--tint: #fdf6e3;" in css


def test_saving_new_colours_gives_a_new_address_and_the_old_one_is_gone(client, site):
    settings_save(site, accent_colour="#6a1b9a")
    old = own_stylesheet(client)
    settings_save(site, accent_colour="#1e6b35")
    new = own_stylesheet(client)
    assert new != old
    assert "#1e6b35" in client.get(new).content.decode()
    assert client.get(old).status_code == 404


@pytest.mark.parametrize(
    "path", ["/theme/0123456789ab.css", "/theme/garbage.css", "/theme/%00.css", "/theme/"]
)
def test_an_unknown_or_garbled_version_is_not_found(client, site, path):
    settings_save(site, accent_colour="#6a1b9a")
    assert client.get(path).status_code == 404


def test_the_logo_carries_the_name_as_its_alternative_when_it_stands_alone(client, site):
    logo = Image.objects.create(title="Logo", file=get_test_image_file(size=(400, 100)))
    settings_save(site, logo=logo, show_name=False)
    Site.objects.filter(pk=site.pk).update(site_name="Ville d’Exemple")
    page = client.get("/").content.decode()
    assert re.search(
        r'<img class="brand-logo" src="[^"]+" width="192" height="48" alt="Ville d’Exemple">', page
    )
    assert "brand-name" not in page
    assert ".brand-logo" in client.get(own_stylesheet(client)).content.decode()


def test_beside_the_name_the_logo_is_not_read_twice(client, site):
    logo = Image.objects.create(title="Logo", file=get_test_image_file(size=(400, 100)))
    settings_save(site, logo=logo, show_name=True)
    page = client.get("/").content.decode()
    assert re.search(r'<img class="brand-logo" [^>]*alt="">', page)
    assert 'class="brand-name"' in page


def test_the_home_image_is_offered_to_the_home_page_template(site):
    photo = Image.objects.create(title="Place", file=get_test_image_file(size=(2000, 800)))
    settings_save(site, home_image=photo)
    request = RequestFactory().get("/")
    request._wagtail_site = site
    html = Template(
        "{% load branding %}{% site_branding as branding %}"
        '<img src="{{ branding.home_image.url }}" srcset="{{ branding.home_image.srcset }}" '
        'width="{{ branding.home_image.width }}">'
    ).render(Context({"request": request}))
    assert re.search(r'src="/media/images/[^"]+\.width-1600\.[a-z]+"', html)
    assert "800w" in html
    assert "1600w" in html
    assert 'width="1600"' in html


# The State's theme --------------------------------------------------------------------------------


def test_the_dsfr_theme_replaces_the_default_theme_and_the_sites_colours(client, site):
    settings_save(site, accent_colour="#6a1b9a", theme="dsfr")
    sheets = stylesheets(client)
    assert sheets[0] == "/static/themes/dsfr/theme.css"
    assert "/static/css/theme.css" not in sheets
    assert own_stylesheet(client) is None  # the State's colours, not the site's
    page = client.get("/").content.decode()
    assert '<span class="fr-logo">République<br>Française</span>' in page


def test_a_deployments_own_theme_wins_over_the_sites_choice(client, settings, site):
    settings_save(site, theme="dsfr")
    settings.CONCERTO_THEME_CSS = "https://static.ville.example/theme.css"
    assert stylesheets(client)[0] == "https://static.ville.example/theme.css"


def test_the_dsfr_theme_uses_its_vendored_fonts_and_focus_ring():
    folder = ROOT / "config" / "static" / "themes" / "dsfr"
    css = (folder / "theme.css").read_text()
    for font in re.findall(r'url\("(fonts/[^"]+)"\)', css):
        assert (folder / font).is_file(), font
    assert css.count("font-display: swap") == css.count("@font-face")
    assert "--accent: #000091;" in css
    assert "outline: 2px solid var(--focus-ring); outline-offset: 2px" in css
    assert "--focus-ring: #0a76f6;" in css
    assert (folder / "LICENSE.md").is_file()


# French content on English pages (RGAA 8.7) -------------------------------------------------------


def test_on_an_english_page_the_content_is_marked_french_and_the_interface_is_not(en, home):
    page_add(home, StandardPage, title="Mentions légales", slug="mentions", body="<p>Éditeur : la Ville.</p>")
    html = en.get("/mentions/").content.decode()
    assert '<html lang="en">' in html
    assert '<h1 lang="fr">Mentions légales</h1>' in html
    assert '<div class="rich-text" lang="fr"><p>Éditeur : la Ville.</p></div>' in html
    assert re.search(r'<a class="skip-link" href="#main">Skip to content</a>', html)


def test_on_a_french_page_nothing_is_added(client, home):
    page_add(home, StandardPage, title="Mentions légales", slug="mentions", body="<p>Éditeur</p>")
    html = client.get("/mentions/").content.decode()
    assert "<h1>Mentions légales</h1>" in html
    assert 'lang="fr">Mentions' not in html
