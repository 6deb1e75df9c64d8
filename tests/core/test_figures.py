"""Figures are written the reader's way: grouped by thousands, a decimal comma in French, a percent sign
that never goes to the next line, and no ",0" on a whole value."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load figures %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("fr", 14283, "14\u202f283"),
        ("en", 14283, "14,283"),
        ("fr", 62.0, "62"),
        ("fr", 62.5, "62,5"),
        ("en", 62.5, "62.5"),
        ("fr", 1234567, "1\u202f234\u202f567"),
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


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        ("fr", "{{ value|amount }}", "10\u202f000,00\xa0€"),
        ("en", "{{ value|amount }}", "€10,000.00"),
        ("fr", "{{ value|amount:0 }}", "10\u202f000\xa0€"),
        ("en", "{{ value|amount:0 }}", "€10,000"),
    ],
)
def test_amount(language, source, expected):
    assert render(source, language, value=Decimal("10000")) == expected


def test_a_missing_amount_is_a_dash():
    assert render("{{ value|amount }}", "fr", value=None) == "—"


@pytest.mark.parametrize(
    ("language", "day", "source", "expected"),
    [
        ("fr", date(2027, 1, 1), "{{ value|day_date }}", "1er janvier 2027"),
        ("fr", date(2027, 1, 2), "{{ value|day_date }}", "2 janvier 2027"),
        ("fr", date(2027, 3, 11), "{{ value|day_date }}", "11 mars 2027"),
        ("en", date(2027, 1, 1), "{{ value|day_date }}", "Jan. 1, 2027"),
    ],
)
def test_day_date(language, day, source, expected):
    assert render(source, language, value=day) == expected


def test_a_moment_is_written_in_local_time_with_the_ordinal():
    """23:30 UTC on December 31st is already the first of January in Paris."""
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert render("{{ value|day_datetime }}", "fr", value=moment) == "1er janvier 2027 00:30"
