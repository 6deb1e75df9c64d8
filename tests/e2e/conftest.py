import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser).

    Request it after the database fixtures: Playwright runs an event loop in this thread, and Django's
    connections opened under a running loop are other objects than the test database's own.
    """
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("needs Debian's chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Connections opened by the test under Playwright's loop: close them, or the test database
        # cannot be dropped at the end of the run.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def new_page(browser):
    """A new browser tab; the test fails if any page it opened broke the Content-Security-Policy (the
    browser refused a script, a style or a frame: something the site needs is missing from the policy,
    or a template added an inline script or style)."""
    contexts = []
    violations = []

    def make():
        context = browser.new_context(locale="fr-FR")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
