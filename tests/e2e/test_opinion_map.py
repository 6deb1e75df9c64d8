"""The map of opinions and the per-group bars in a browser: an outcome page and the report page at 1366
and 390 px wide, with no horizontal scroll, no axe-core violation, and each group reached with Tab."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from reports.services import report_compile
from tests.e2e.test_accessibility import violations
from tests.e2e.test_journey import admin_sign_in
from tests.factories import OfficialFactory, consultation_create, outcome_create
from tests.reports.test_opinion_map import mixed_statement
from tests.reports.test_statements_report import two_camps

pytestmark = pytest.mark.e2e

# Where the screenshots go, to look at them: SCREENSHOTS_DIR, else the test's temporary directory.
SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR")
WIDTHS = (1366, 390)


def wider_than_the_window(page) -> list[str]:
    """The elements that stick out of the window on the right (none: no horizontal scroll); a wide
    table scrolls in its own box."""
    return page.evaluate(
        """[...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => !e.closest('.table-scroll') || e.matches('.table-scroll'))
            .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
            .slice(0, 10)"""
    )


def test_the_map_and_the_bars_read_at_every_width(
    transactional_db, django_db_serialized_rollback, live_server, new_page, tmp_path
):
    shots = Path(SCREENSHOTS_DIR) if SCREENSHOTS_DIR else tmp_path
    consultation = consultation_create(statements_enabled=True)
    two_camps(consultation)
    mixed_statement(consultation)
    snapshot = report_compile(consultation=consultation, force=True)
    outcome = outcome_create(
        consultation,
        snapshot=snapshot,
        body=[
            {"type": "opinion_map", "value": {"caption": ""}},
            {"type": "statement_groups", "value": {"caption": ""}},
        ],
    )

    page = new_page()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + outcome.url + "?sort=division")
        page.screenshot(path=str(shots / f"map-outcome-{width}.png"), full_page=True)
        assert wider_than_the_window(page) == [], f"horizontal scroll at {width} px"
        assert page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]") == [width, width]
        assert violations(page) == []
        if width == 390:
            # The per-statement table fits the phone rather than scrolling in its box, and the map's
            # names read at 11 px or more although the map is drawn at about half its size.
            assert page.evaluate(
                "[...document.querySelectorAll('.statement-groups .table-scroll')]"
                ".map(box => box.scrollWidth <= box.clientWidth)"
            ) == [True]
            sizes = page.evaluate(
                "[...document.querySelectorAll('.map-label, .map-axis-label')].map(text => {"
                "  const box = text.getBoundingClientRect();"
                "  return text.hasAttribute('transform') ? box.width : box.height; })"
            )
            assert min(sizes) >= 11, sizes
            assert page.evaluate(
                "[...document.querySelectorAll('.map-label')].every(text => {"
                "  const name = text.getBoundingClientRect();"
                "  const map = text.closest('svg').getBoundingClientRect();"
                "  return name.left >= map.left && name.right <= map.right; })"
            ), "the groups' names stay inside the map"
    for _press in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('map-group')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Groupe 1 (15 personnes)"
    page.screenshot(path=str(shots / "map-focus-390.png"))

    official = admin_sign_in(
        new_page(), live_server.url, OfficialFactory(organisation=consultation.organisation).email
    )
    for width in WIDTHS:
        official.set_viewport_size({"width": width, "height": 900})
        official.goto(live_server.url + reverse("feedback_report_detail", args=[consultation.pk]))
        official.locator(".opinion-map").scroll_into_view_if_needed()
        official.screenshot(path=str(shots / f"map-report-{width}.png"), full_page=True)

    # The closed consultation's page shows the map of its outcome page, to visitors and to people
    # signed in (the official's session is a site session too).
    consultation.opens_at -= timedelta(days=60)
    consultation.closes_at = consultation.opens_at + timedelta(days=30)
    consultation.save_revision().publish()
    for who, browser_page in (("visitor", new_page()), ("signed-in", official)):
        for width in WIDTHS:
            browser_page.set_viewport_size({"width": width, "height": 900})
            browser_page.goto(live_server.url + consultation.url)
            browser_page.locator(".outcome-map-panel").scroll_into_view_if_needed()
            browser_page.screenshot(path=str(shots / f"map-closed-{who}-{width}.png"), full_page=True)
            assert browser_page.locator(".outcome-map-panel .map-group").count() == 2
            assert wider_than_the_window(browser_page) == [], f"horizontal scroll at {width} px"
            assert violations(browser_page) == []
    official.goto(live_server.url + outcome.url)
    official.screenshot(path=str(shots / "map-outcome-signed-in-390.png"), full_page=True)
