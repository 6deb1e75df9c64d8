"""Figures are written the reader's way: grouped by thousands, a decimal comma in French, a percent sign
that never goes to the next line, and no ",0" on a whole value."""

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load figures %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("fr", 14283, "14\xa0283"),
        ("en", 14283, "14,283"),
        ("fr", 62.0, "62"),
        ("fr", 62.5, "62,5"),
        ("en", 62.5, "62.5"),
        ("fr", 1234567, "1\xa0234\xa0567"),
        ("fr", None, "—"),
    ],
)
def test_number(language, value, expected):
    assert render("{{ value|number }}", language, value=value) == expected


@pytest.mark.parametrize(
    ("language", "value", "source", "expected"),
    [
        ("fr", 20.8, "{{ value|percent }}", "20,8\xa0%"),
        ("en", 20.8, "{{ value|percent }}", "20.8\xa0%"),
        ("fr", 40, "{{ value|percent }}", "40,0\xa0%"),
        ("fr", 20.84, "{{ value|percent:0 }}", "21\xa0%"),
        ("fr", None, "{{ value|percent }}", "—"),
    ],
)
def test_percent(language, value, source, expected):
    assert render(source, language, value=value) == expected


def test_a_figure_on_a_page_is_escaped_like_any_value():
    assert render("{{ value|number }}", "fr", value="<b>") == "&lt;b&gt;"
