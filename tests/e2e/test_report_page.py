"""The report page and an outcome page with the "Key points" block, in a real browser: no axe-core
violation, no sideways scrolling on a phone (390 px) or a laptop (1366 px), a theme's name field one can
see and see focused. Set SCREENSHOTS_DIR to keep the screenshots (page-<name>-<width>.png)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from cms.management.commands.demo_load import OUTCOME_SLUG
from cms.models import OutcomePage
from tests.e2e.test_accessibility import demo, violations  # noqa: F401 (a fixture)
from tests.e2e.test_journey import admin_sign_in
from tests.factories import OfficialFactory

pytestmark = pytest.mark.e2e

WIDTHS = [(1366, 900), (390, 844)]
# The elements that reach past the window's right edge, deepest first: what to fix.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def look(page, url: str, name: str, shots: Path) -> list[str]:
    """Open `url` at each width: a screenshot, what scrolls sideways, and axe-core's violations."""
    problems = []
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        page.wait_for_load_state("load")
        page.screenshot(path=str(shots / f"page-{name}-{width}.png"), full_page=True)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            widest = page.evaluate(WIDEST)
            problems.append(f"{name} at {width} px scrolls sideways: {scroll} > {inner}: {widest}")
        problems += [f"{name} at {width} px: {line}" for line in violations(page)]
    return problems


def test_the_report_and_outcome_pages_fit_every_screen_and_pass_axe(demo, live_server, new_page, tmp_path):  # noqa: F811
    shots = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    consultation = demo["consultation"]
    official = admin_sign_in(
        new_page(), live_server.url, OfficialFactory(organisation=consultation.organisation).email
    )
    report_url = live_server.url + reverse("feedback_report_detail", args=[consultation.pk])
    problems = look(official, report_url, "report", shots)
    assert official.locator("main h2").first.get_attribute("id") == "report-highlights", (
        "what to take away first"
    )

    # A theme's name field: a visible edge, and a visible ring once reached with the keyboard.
    field = official.locator(".theme-correction input[name=label]").first
    if field.count():
        assert field.evaluate("e => getComputedStyle(e).borderTopWidth") != "0px"
        field.focus()
        official.keyboard.press("Shift+Tab")
        official.keyboard.press("Tab")
        outline = field.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]")
        assert outline[0] != "none", outline
        assert outline[1] != "0px", outline

    visitor = new_page()
    outcome_url = live_server.url + OutcomePage.objects.get(slug=OUTCOME_SLUG).url
    problems += look(visitor, outcome_url, "outcome", shots)
    assert visitor.locator("#outcome-highlights").count() == 1, "the demo outcome page has the block"
    assert not problems, "\n".join(problems)
