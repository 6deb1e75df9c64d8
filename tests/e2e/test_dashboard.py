"""The back office's first screen in a real browser, as an official signs in (password, then the
two-factor code): every panel of their role, no sideways scrolling on a laptop (1366 px) or a phone
(390 px), no axe-core violation in the panels, and each item leads to where it is handled. Set
SCREENSHOTS_DIR to keep the screenshots (dashboard-official-<width>.png)."""

import os
import re
from pathlib import Path

import pytest

from tests.cms.test_dashboard import organisation_world
from tests.e2e.test_accessibility import AXE, WCAG_21_AA
from tests.e2e.test_journey import admin_sign_in
from tests.e2e.test_report_page import WIDEST, WIDTHS
from tests.factories import OfficialFactory

pytestmark = pytest.mark.e2e

PANELS = ["ideas", "dossiers", "report-back", "new-reports", "participation"]


def panel_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations inside the dashboard's panels (ours; Wagtail's chrome is
    Wagtail's)."""
    found = AXE.run(page, context=".dashboard-panel", options=WCAG_21_AA).response["violations"]
    return [f"{rule['id']}: {rule['help']}: {node['target']}" for rule in found for node in rule["nodes"]]


def test_an_official_lands_on_what_waits_for_them_on_a_laptop_and_a_phone(
    transactional_db, django_db_serialized_rollback, live_server, new_page, tmp_path
):
    shots = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    mine = organisation_world("Alpha")
    organisation_world("Bêta")
    official = OfficialFactory(organisation=mine["organisation"])
    page = admin_sign_in(new_page(), live_server.url, official.email)

    problems = []
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + "/admin/")
        for panel in PANELS:
            assert page.locator(f"#dashboard-{panel}-section h2").is_visible(), panel
        assert not page.locator("#dashboard-moderation-section").count(), "moderators' panel"
        report_back = page.locator("#dashboard-report-back-section")
        assert report_back.get_by_text("Consultation close sans restitution Alpha").is_visible()
        assert not page.get_by_text("Consultation close sans restitution Bêta").count()
        page.screenshot(path=str(shots / f"dashboard-official-{width}.png"), full_page=True)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            problems.append(f"{width} px scrolls sideways: {scroll} > {inner}: {page.evaluate(WIDEST)}")
        problems += [f"{width} px: {line}" for line in panel_violations(page)]
    assert not problems, "\n".join(problems)

    # An item leads to where it is handled: the dossier to check, in its call's list.
    page.locator("#dashboard-dossiers-section a[href$='?status=submitted']").click()
    page.wait_for_url(re.compile(rf"/admin/calls/{mine['call'].pk}/\?status=submitted$"))
    assert page.get_by_text("Dossier à vérifier Alpha").first.is_visible()
