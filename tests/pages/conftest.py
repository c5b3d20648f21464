"""A real headless Chromium (the system's) against the real server over the demo company."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from tests.pages.browser import ChromiumMissing, Watch, find_chromium, launch, offline_context
from tests.pages.browser import show as show_page
from tests.pages.browser import watch as watch_page


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    """Headless Chromium; the tests fail (never skip) without one."""
    try:
        find_chromium()
    except ChromiumMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    chromium = await launch(playwright)
    yield chromium
    await chromium.close()


@dataclass
class Ui:
    """A browser tab on the demo server, and what went wrong on it."""

    page: Page
    watch: Watch
    base_url: str

    async def show(self, path: str) -> str:
        """Load `path`, forget earlier problems, wait until the page is shown; its state."""
        self.watch.clear()
        return await show_page(self.page, path)

    def assert_clean(self) -> None:
        """No console error or warning, uncaught error, failed request or outside request."""
        assert self.watch.problems == [], "\n".join(self.watch.problems)


@pytest.fixture
async def context(browser: Browser, api_url: str) -> AsyncIterator[BrowserContext]:
    ctx = await offline_context(browser, api_url, viewport={"width": 1400, "height": 900})
    yield ctx
    await ctx.close()


@pytest.fixture
async def ui(context: BrowserContext, api_url: str) -> Ui:
    page = await context.new_page()
    return Ui(page, watch_page(page, api_url), api_url)
