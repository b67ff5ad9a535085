"""Debian's Chromium, driven by Playwright, and axe-core's checks: for every page a test opens
(the web widget in tests/channels/test_web_widget.py, the report in
tests/channels/test_report_end_to_end.py)."""

from pathlib import Path
from typing import List

import pytest
from playwright.sync_api import Page

from support import REPORT, ROOT

WEB = ROOT / "web"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"critical", "serious"}


def axe_violations(page: Page) -> List[dict]:
    """axe-core's WCAG checks on the whole page: [{id, impact, nodes}]."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make web` (npm ci in web/)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        if page.url.startswith("file:"):
            # a file opened offline has no site to load it from: its content, inline
            page.add_script_tag(path=str(AXE))
        else:
            # from the page's own site, as the page's Content-Security-Policy allows
            page.add_script_tag(url=AXE.relative_to(WEB).as_posix())
    # preload: false, or axe fetches every stylesheet the page imports (the widget's Google font)
    return page.evaluate(
        "axe.run(document, {preload: false}).then(r => r.violations.map(v =>"
        " ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))"
    )


def assert_accessible(page: Page, when: str) -> None:
    violations = axe_violations(page)
    REPORT.append(
        f"axe-core {when}: "
        + (", ".join(f"{v['impact']} {v['id']} ({len(v['nodes'])})" for v in violations) or "none")
    )
    assert not [v for v in violations if v["impact"] in BLOCKING], violations
