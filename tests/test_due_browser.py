"""The 即将到期 page of a unit on a 360 px phone screen, in a real headless Chromium."""

from __future__ import annotations

import base64
from pathlib import Path

from test_site_browser import ARTIFACTS, _local_targets, _open, browser, server, site, tab

__all__ = ["browser", "server", "site"]  # the fixtures this module uses


def test_due_page_fits_a_phone(browser: str, server: str, site: Path) -> None:
    with tab(browser) as client:
        client.send(
            "Emulation.setDeviceMetricsOverride",
            width=360,
            height=780,
            deviceScaleFactor=2,
            mobile=True,
        )
        url = server + "due/jyj.html"
        _open(client, url)
        assert client.evaluate("window.innerWidth") == 360
        heading = client.evaluate("document.querySelector('article h1').textContent")
        assert "即将到期" in heading
        items = client.evaluate("document.querySelectorAll('.gm-due-item').length")
        assert items > 0
        # No horizontal scroll: nothing is wider than the screen.
        width = client.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, width
        wide = client.evaluate(
            "Array.from(document.querySelectorAll('article *'))"
            ".filter(e => e.getBoundingClientRect().right > 360.5).length"
        )
        assert wide == 0
        missing = _local_targets(client, url, server, site)
        assert not missing, missing
        assert client.errors() == [], client.errors()
        shot = client.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "site-due-360.png").write_bytes(base64.b64decode(shot["data"]))
