"""A real headless Chromium (Debian's package) driven by Playwright, for every web page."""

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "instance" / "screenshots"
# As root in a closed network: no sandbox, and no background calls to Google's hosts.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


@contextmanager
def live_server(app):
    """Serve `app` on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


class Page:
    """One browser page that records every request it makes and every console error."""

    def __init__(self, page, origin: str):
        self.page, self.origin = page, origin
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        # Nothing may leave the app's origin: such a request fails here, and is recorded.
        page.route("**/*", self._only_own_origin)

    def _only_own_origin(self, route):
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests
                if not (u.startswith(self.origin + "/") or u.startswith("data:"))]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path


@contextmanager
def browser_page(origin: str, width: int = 1366, height: int = 768):
    """A fresh Chromium page at `width`x`height`, watched by `Page`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height},
                                          locale="zh-CN")
            yield Page(context.new_page(), origin)
        finally:
            browser.close()
