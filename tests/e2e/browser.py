"""What every browser journey does on each page: open it like a person, check it, keep a screenshot.

`Browsing.page()` opens a fresh browser context (its own cookies) with axe-core preloaded; after
every step a journey calls `check(page, "journeyN-step")`, which

- runs axe-core and fails on any serious or critical violation,
- fails when the page scrolls sideways (the portal must work at 360 px),
- fails on a JavaScript error or a Content-Security-Policy refusal in the console,
- saves a full-page screenshot under `artifacts/screenshots/` (git-ignored; CI keeps it as an artefact).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "artifacts" / "screenshots"))
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "rahasia-uji-123"  # tests/factories.py UserFactory
BLOCKING_IMPACTS = {"serious", "critical"}

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))
  }));
}"""


class Browsing:
    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []

    def page(self, *, viewport: dict = DESKTOP):
        context = self.browser.new_context(
            viewport=viewport,
            base_url=self.base_url,
            locale="id-ID",
            timezone_id="Asia/Makassar",
            accept_downloads=True,
        )
        # An init script is injected by the browser itself, so the portal's CSP (script-src 'self')
        # stays exactly as served and still applies to everything the page loads.
        context.add_init_script(path=str(AXE))
        # A missing element fails within seconds, not Playwright's default half a minute.
        context.set_default_timeout(20_000)
        self.contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
        page.on("pageerror", lambda exc: page.problems.append(str(exc)))
        return page

    def login(self, page, username: str, password: str = PASSWORD):
        page.goto("/akun/masuk/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        assert "/akun/masuk/" not in page.url, f"login failed for {username}: {page.url}"

    def close(self):
        for context in self.contexts:
            context.close()


def axe_violations(page) -> list[dict]:
    return [v for v in page.evaluate(_AXE_RUN) if v["impact"] in BLOCKING_IMPACTS]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def check(page, name: str) -> None:
    """Accessibility, width and console checks on the page as it is now, and its screenshot."""
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n" + json.dumps(violations, indent=1, ensure_ascii=False)
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {page.viewport_size['width']}px"
    assert not page.problems, f"console errors on {page.url}: {page.problems}"


def digits(text: str) -> int:
    """A figure as the portal prints it (`1.234`) as a number."""
    return int(re.sub(r"\D", "", text))
