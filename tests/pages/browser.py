"""Headless Chromium for the page tests and the screenshots: the system's own browser
(Debian's `chromium`), driven by Playwright, with every request outside the server refused."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
)
from playwright.async_api import Error as PlaywrightError

CHROMIUM_ENV = "CXGRAPH_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
MISSING = (
    "The page tests need Chromium and found none: install it (Debian: `apt-get install -y "
    "chromium`, which scripts/test does when run as root) or set CXGRAPH_CHROMIUM to a "
    "Chromium or Chrome executable."
)
READY = "body[data-state]:not([data-state='loading'])"
"""The shell sets `data-state` on <body> when a page is shown (ready, not-found, error, auth)."""


class ChromiumMissing(RuntimeError):
    """No Chromium to run the page tests with."""


def find_chromium() -> str:
    """The Chromium executable: `CXGRAPH_CHROMIUM`, else the first on PATH."""
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise ChromiumMissing(f"{CHROMIUM_ENV}={explicit} is not an executable file.")
        return explicit
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise ChromiumMissing(MISSING)


async def launch(playwright: Playwright) -> Browser:
    """Headless Chromium from the system, without Playwright's own browser downloads."""
    return await playwright.chromium.launch(
        executable_path=find_chromium(),
        headless=True,
        args=[
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            # no name resolves: nothing outside this machine can be reached
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        ],
    )


async def offline_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    """A browser context for pages of `base_url`. The browser resolves no host name but the
    loopback address (see `launch`), so a page that needed the internet would fail; `Watch`
    also reports any request to another origin. (No request interception: it would turn
    off the HTTP cache, whose headers the pages rely on.)"""
    return await browser.new_context(base_url=base_url, **options)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Watch:
    """What went wrong on a page since `clear()`: console errors and warnings, uncaught
    errors, failed requests, HTTP errors and requests to other origins."""

    origin: str
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    allowed: tuple[str, ...] = ()

    def clear(self) -> None:
        self.problems.clear()
        self.requests.clear()

    def _add(self, problem: str) -> None:
        if not any(text in problem for text in self.allowed):
            self.problems.append(problem)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning", "assert"):
            self._add(f"console {message.type}: {message.text} ({message.location})")

    def on_page_error(self, error: PlaywrightError) -> None:
        self._add(f"uncaught error: {error}")

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)
        if _origin(request.url) != self.origin and not request.url.startswith("data:"):
            self._add(f"request to another origin: {request.url}")

    def on_request_failed(self, request: Request) -> None:
        # a load cut short by leaving the page is no failure (an HTTP error is caught above)
        if request.failure != "net::ERR_ABORTED":
            self._add(f"request failed: {request.url} ({request.failure})")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self._add(f"HTTP {response.status}: {response.url}")


def watch(page: Page, base_url: str, allowed: tuple[str, ...] = ()) -> Watch:
    """Start recording what goes wrong on `page`."""
    watcher = Watch(_origin(base_url), allowed=allowed)
    page.on("console", watcher.on_console)
    page.on("pageerror", watcher.on_page_error)
    page.on("request", watcher.on_request)
    page.on("requestfailed", watcher.on_request_failed)
    page.on("response", watcher.on_response)
    return watcher


async def show(page: Page, path: str, timeout_ms: float = 20_000) -> str:
    """Load `path` and wait until the page is shown; its state (`ready`, `not-found`, ...)."""
    await page.goto(path)
    await page.wait_for_selector(READY, state="attached", timeout=timeout_ms)
    state = await page.get_attribute("body", "data-state")
    return state or ""
