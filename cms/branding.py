"""A site's brand as its pages show it: name, logo, theme, home image and its own stylesheet.

Editors set it in the site settings (`SiteSettings`, docs/cms.md). The colours reach pages in a small
stylesheet of the site's own (`/theme/<version>.css`, `cms.views.theme_stylesheet`), never inline (the
Content-Security-Policy refuses inline styles). Its address carries a hash of its content: pages link
to the current one, browsers and proxies keep it for a year, and a new colour is a new address.

Read on every page: kept in the cache per site and forgotten whenever the settings or a site are saved
(cms/listeners.py), as the footer is.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.templatetags.static import static
from django.urls import reverse
from wagtail.models import Site

from cms.models import SiteSettings, Theme

# Kept as long as the footer; the lifetime only bounds what a missed signal could leave behind.
BRANDING_SECONDS = 600
# The stylesheet of the default theme; a deployment's own (`CONCERTO_THEME_CSS`) wins over a site's
# choice of theme.
DEFAULT_THEME_CSS = "css/theme.css"
THEME_CSS = {Theme.DSFR: "themes/dsfr/theme.css"}
# The logo is shown 3 rem (48 px) high; its image is twice that for high-density screens.
LOGO_RENDITION, LOGO_HEIGHT = "height-96", 48
HOME_RENDITIONS = ("width-800", "width-1600")

_REQUEST_ATTRIBUTE = "_concerto_branding"


@dataclass(frozen=True)
class Picture:
    """An image as a template writes it: `<img src="{{ url }}" width height srcset>`."""

    url: str
    width: int
    height: int
    srcset: str = ""


@dataclass(frozen=True)
class Branding:
    theme: str = Theme.CONCERTO
    logo: Picture | None = None
    show_name: bool = True
    home_image: Picture | None = None
    # The site's own stylesheet and the hash its address carries; empty when it has nothing to say.
    css: str = ""
    version: str = ""

    @property
    def stylesheets(self) -> list[str]:
        """The theme's stylesheet, then the site's own, which overrides its colours."""
        theme = settings.CONCERTO_THEME_CSS
        if theme == DEFAULT_THEME_CSS and self.theme in THEME_CSS:
            theme = THEME_CSS[self.theme]
        sheets = [theme if theme.startswith(("https://", "http://", "/")) else static(theme)]
        if self.css:
            sheets.append(reverse("theme_stylesheet", args=[self.version]))
        return sheets


DEFAULT = Branding()


def _key(site_id: int) -> str:
    return f"cms:branding:{site_id}"


def site_branding(request) -> Branding:
    """The brand of the request's site: from the request, else the cache, else the database (the
    settings and their two images, and the images' renditions the first time)."""
    if request is None:
        return DEFAULT
    branding = getattr(request, _REQUEST_ATTRIBUTE, None)
    if branding is not None:
        return branding
    site = Site.find_for_request(request)
    if site is None:
        branding = DEFAULT
    else:
        branding = cache.get(_key(site.pk))
        if branding is None:
            branding = branding_read(SiteSettings.for_site(site))
            cache.set(_key(site.pk), branding, BRANDING_SECONDS)
    setattr(request, _REQUEST_ATTRIBUTE, branding)
    return branding


def site_branding_forget() -> None:
    """The settings or a site changed: every site's brand is read again at its next request."""
    cache.delete_many([_key(pk) for pk in Site.objects.values_list("pk", flat=True)])


def branding_read(site_settings: SiteSettings) -> Branding:
    logo = home_image = None
    if site_settings.logo_id:
        rendition = site_settings.logo.get_rendition(LOGO_RENDITION)
        logo = Picture(
            url=rendition.url,
            width=round(rendition.width * LOGO_HEIGHT / rendition.height),
            height=LOGO_HEIGHT,
        )
    if site_settings.home_image_id:
        renditions = site_settings.home_image.get_renditions(*HOME_RENDITIONS)
        small, large = (renditions[spec] for spec in HOME_RENDITIONS)
        home_image = Picture(
            url=large.url,
            width=large.width,
            height=large.height,
            srcset=f"{small.url} {small.width}w, {large.url} {large.width}w",
        )
    css = branding_stylesheet(colours=site_settings.colours(), logo=logo is not None)
    return Branding(
        theme=site_settings.theme,
        logo=logo,
        show_name=site_settings.show_name or logo is None,
        home_image=home_image,
        css=css,
        version=hashlib.sha256(css.encode()).hexdigest()[:12] if css else "",
    )


def branding_stylesheet(*, colours: dict[str, str], logo: bool) -> str:
    """The site's own stylesheet: its colours as the theme's custom properties, and the logo's size."""
    rules = []
    if colours:
        properties = "".join(f"  --{name}: {value};\n" for name, value in colours.items())
        rules.append(f":root {{\n{properties}}}\n")
    if logo:
        rules.append(
            ".brand { display: inline-flex; align-items: center; gap: 0.75rem; }\n"
            ".brand-logo { display: block; width: auto; height: auto; max-height: 3rem;"
            " max-width: min(100%, 16rem); }\n"
        )
    if not rules:
        return ""
    return "/* This site's colours and logo, from its settings (docs/cms.md). */\n" + "".join(rules)
