"""Screenshots of the sample site for the README: ``python docs/screenshots/take.py build/site``.

Serves the built site, opens each page in headless Chromium at a phone size (360×740)
and a desktop size (1366×900), and writes PNGs next to this file.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tests"))

from test_site_browser import _free_port, _open, tab  # noqa: E402

PAGES = {
    "home": "index.html",
    "history": "history.html",
    "article": "rules/art-13.html",
    "unit": "units/jyj.html",
    "account": "accounts/jyj-wx.html",
}
SIZES = {"phone": (360, 740, 2), "desktop": (1366, 900, 1)}


def main(site: Path, chromium: str = "/usr/bin/chromium") -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "-d", str(site), "-b", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    profile = HERE / ".profile"
    browser = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert browser.stderr is not None
        endpoint = ""
        while not endpoint:
            line = browser.stderr.readline()
            if "DevTools listening on ws://" in line:
                endpoint = "http://" + line.split("ws://")[1].split("/")[0]
        time.sleep(0.3)
        with tab(endpoint) as client:
            for size, (w, h, scale) in SIZES.items():
                client.send(
                    "Emulation.setDeviceMetricsOverride",
                    width=w, height=h, deviceScaleFactor=1, mobile=scale == 2,
                )
                for name, path in PAGES.items():
                    _open(client, f"http://127.0.0.1:{port}/{path}")
                    shot = client.send("Page.captureScreenshot", format="png")
                    out = HERE / f"{name}-{size}.png"
                    out.write_bytes(base64.b64decode(shot["data"]))
                    print(out)
    finally:
        browser.terminate()
        browser.wait()
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", str(profile)], check=False)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
