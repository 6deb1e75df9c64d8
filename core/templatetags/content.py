"""Marks content written in the site's content language when the interface speaks another (RGAA 8.7)."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def content_lang(language: str = "") -> str:
    """` lang="fr"` on an element holding content written in French when the page is in English, and
    nothing when the interface already speaks the content's language. `language` names another one."""
    language = language or settings.CONTENT_LANGUAGE
    if (get_language() or settings.LANGUAGE_CODE).split("-")[0] == language:
        return ""
    return format_html(' lang="{}"', language)
