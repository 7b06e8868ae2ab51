"""The built site in a real headless Chromium, driven over the DevTools protocol (stdlib only).

The site is served by ``python -m http.server`` on a free local port. For the
home page, an article page and an account page: the page renders (its Chinese
headings are in the DOM), every local link on it resolves to a file of the
build, nothing is logged as a console error or uncaught exception, and a
screenshot is saved under test-artifacts/. A Chinese word typed into the
search box finds the page that contains it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_site_fixture import ROOT, SCRIPT, SEARCH_WORD, built_site

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
    "--remote-debugging-port=0",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class DevTools:
    """A minimal Chrome DevTools protocol client over a hand-rolled websocket."""

    def __init__(self, ws_url: str) -> None:
        url = urllib.parse.urlparse(ws_url)
        self.sock = socket.create_connection((url.hostname, url.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {url.path} HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            head += chunk
        assert head.startswith(b"HTTP/1.1 101"), head
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _recv_exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("DevTools connection closed")
            data += chunk
        return data

    def _recv_message(self) -> dict[str, Any]:
        payload = b""
        while True:
            b0, b1 = self._recv_exact(2)
            length = b1 & 0x7F
            if length == 126:
                (length,) = struct.unpack(">H", self._recv_exact(2))
            elif length == 127:
                (length,) = struct.unpack(">Q", self._recv_exact(8))
            payload += self._recv_exact(length)
            if b0 & 0x80:  # FIN
                message: dict[str, Any] = json.loads(payload)
                return message

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        data = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
        while True:
            message = self._recv_message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = len(self.events)
        while time.monotonic() < deadline:
            for event in self.events[seen:]:
                if event.get("method") == method:
                    return event
            seen = len(self.events)
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(TimeoutError):
                self.events.append(self._recv_message())
        raise TimeoutError(f"no {method} within {timeout} s")

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads seen so far."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"], ensure_ascii=False)[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args"), ensure_ascii=False)[:500])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"{params['entry'].get('text')} {params['entry'].get('url', '')}")
        return found

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _repo, out, proc = built_site(tmp_path_factory)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(site),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base, timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A headless Chromium with remote debugging; yields its HTTP endpoint."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"找不到 Chromium ({CHROMIUM}):浏览器测试需要它。安装: apt-get install -y chromium fonts-noto-cjk"
            "(.ci/run 会自动安装),或用环境变量 CHROMIUM 指定可执行文件。"
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        endpoint = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            m = re.search(r"DevTools listening on ws://([^/]+)/", line)
            if m:
                endpoint = f"http://{m.group(1)}"
                break
        assert endpoint, "Chromium did not start its DevTools endpoint"
        # Keep draining stderr so that Chromium never blocks on a full pipe.
        drain = threading.Thread(target=proc.stderr.read, daemon=True)
        drain.start()
        yield endpoint
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


@contextlib.contextmanager
def tab(endpoint: str) -> Iterator[DevTools]:
    request = urllib.request.Request(f"{endpoint}/json/new?about:blank", method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        target = json.load(response)
    client = DevTools(target["webSocketDebuggerUrl"])
    try:
        client.send("Page.enable")
        client.send("Runtime.enable")
        client.send("Log.enable")
        yield client
    finally:
        client.close()
        urllib.request.urlopen(f"{endpoint}/json/close/{target['id']}", timeout=10).close()


def _open(client: DevTools, url: str) -> None:
    client.send("Page.navigate", url=url)
    client.wait_for("Page.loadEventFired")
    # Let the theme's scripts settle (search worker start-up, instant loading).
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        client.evaluate("1")
        time.sleep(0.1)


def _local_targets(client: DevTools, page_url: str, base: str, site: Path) -> list[str]:
    """Every local href on the page, resolved, with the build file it should be."""
    hrefs: list[str] = client.evaluate(
        "Array.from(document.querySelectorAll('a[href]'), a => a.href)"
    )
    missing = []
    for href in hrefs:
        if not href.startswith(base):
            assert not href.lower().startswith("javascript:"), href
            continue
        path = urllib.parse.unquote(urllib.parse.urlparse(href).path)[1:]
        target = site / path
        if path == "" or path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            missing.append(f"{href} (from {page_url})")
    return missing


PAGES = [
    (
        "index.html",
        "home",
        ["政务新媒体合规状况", "各单位未整改的违规", "最近的记录变更", "各条款未整改的违规"],
    ),
    (
        "rules/art-13.html",
        "article",
        ["第十三条", "关停注销程序", "条文", "解读", "当前未整改的违规", "逐句覆盖", "技术说明"],
    ),
    ("accounts/jyj-wechat.html", "account", ["未整改的违规", "有效期内的豁免", "事件记录"]),
]


@pytest.mark.parametrize(("path", "name", "headings"), PAGES, ids=[p[1] for p in PAGES])
def test_page_renders_links_resolve_no_console_errors(
    browser: str, server: str, site: Path, path: str, name: str, headings: list[str]
) -> None:
    with tab(browser) as client:
        url = server + path
        _open(client, url)
        found = client.evaluate(
            "Array.from(document.querySelectorAll('article h1, article h2, article h3'), h => h.textContent)"
        )
        text = " ".join(found)
        for heading in headings:
            assert heading in text, f"{heading!r} not among the headings of {path}: {found}"
        assert client.evaluate("document.documentElement.lang") == "zh-CN"
        # Planted markup stays text: no script or image element came from a record.
        assert (
            client.evaluate("document.querySelectorAll('article script, article img').length") == 0
        )
        missing = _local_targets(client, url, server, site)
        assert not missing, missing
        assert client.errors() == [], client.errors()
        shot = client.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"site-{name}.png").write_bytes(base64.b64decode(shot["data"]))


def test_account_page_shows_planted_strings_as_text(browser: str, server: str) -> None:
    with tab(browser) as client:
        _open(client, server + "accounts/jyj-wechat.html")
        text = client.evaluate("document.querySelector('article').innerText")
        assert SCRIPT in text
        assert "**粗体标题**" in text
        assert "[点我](javascript:alert(2))" in text
        assert (
            client.evaluate(
                "Array.from(document.querySelectorAll('a')).some(a => a.href.startsWith('javascript'))"
            )
            is False
        )


def test_chinese_word_is_found_by_search(browser: str, server: str) -> None:
    """ "注销" sits inside the phrase "关停注销程序": found only if the index holds words."""
    with tab(browser) as client:
        _open(client, server + "index.html")
        client.evaluate(
            """(() => {
              const input = document.querySelector('[data-md-component="search-query"]');
              input.focus();
              input.value = WORD;
              input.dispatchEvent(new Event('input', {bubbles: true}));
              input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));
            })()""".replace("WORD", json.dumps(SEARCH_WORD))
        )
        found: list[str] = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not found:
            time.sleep(0.2)
            found = client.evaluate(
                "Array.from(document.querySelectorAll('.md-search-result__item a'), a => a.href)"
            )
        assert any("accounts/jyj-weibo.html" in href for href in found), found
        assert client.errors() == [], client.errors()
