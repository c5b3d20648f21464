"""Outside demo mode the pages ask for an API key when /graphql answers 401, keep it for the
tab (sessionStorage) and send it as X-API-Key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from api.app import create_app
from api.security import hash_api_key
from api.settings import ApiKeyHash, ApiSettings
from queries.settings import StoreSettings
from queries.store import GraphStore
from tests.conftest import served
from tests.pages.browser import offline_context, show, watch

KEY = "cxg_pages-reader-key-for-tests-0123456789"
# the 401s the pages answer with the form are expected; nothing else may go wrong
UNAUTHORIZED = ("401 (Unauthorized)", "HTTP 401: ")


@pytest.fixture(scope="module")
def secured_url(demo_store: GraphStore, demo_dir: Path) -> Iterator[str]:
    """A server over the demo graph that takes one reader API key and nothing anonymous."""
    settings = ApiSettings(
        _env_file=None,
        api_keys=[ApiKeyHash(name="portal", role="reader", sha256=hash_api_key(KEY))],
    )
    store = StoreSettings(engine="falkordb", data_dir=demo_dir, graph="demo")
    with served(create_app(settings, store)) as url:
        yield url


async def test_the_pages_ask_for_an_api_key_and_keep_it_for_the_tab(
    browser: Browser, secured_url: str
) -> None:
    context = await offline_context(browser, secured_url)
    try:
        page = await context.new_page()
        watcher = watch(page, secured_url, allowed=UNAUTHORIZED)
        assert await show(page, "/ui/teams/team-web") == "auth"
        assert await page.inner_text("h1") == "API key needed"
        key_input = page.get_by_label("API key")
        assert await key_input.get_attribute("type") == "password"
        assert await page.evaluate("document.activeElement.id") == "api-key"

        # a wrong key is refused, and the form asks again
        await key_input.fill("cxg_wrong")
        await page.get_by_role("button", name="Show the page").click()
        await expect(page.get_by_role("alert")).to_contain_text("did not accept")
        assert await page.evaluate("sessionStorage.getItem('cxgraph.apiKey')") is None

        sent: list[str | None] = []
        page.on(
            "request",
            lambda r: (
                sent.append(r.headers.get("x-api-key")) if r.url.endswith("/graphql") else None
            ),
        )
        await page.get_by_label("API key").fill(KEY)
        await page.get_by_role("button", name="Show the page").click()
        await expect(page.locator("h1")).to_have_text("Web & CMS")
        assert sent  # the page's requests (it may make several), each with the key
        assert set(sent) == {KEY}
        assert await page.evaluate("sessionStorage.getItem('cxgraph.apiKey')") == KEY

        # other pages of the tab use it without asking
        assert await show(page, "/ui/systems/sys-iam") == "ready"
        assert "Using an API key" in await page.inner_text("header")
        # and "Forget key" forgets it
        await page.get_by_role("button", name="Forget key").click()
        await page.wait_for_selector("body[data-state='auth']", state="attached")
        assert await page.evaluate("sessionStorage.getItem('cxgraph.apiKey')") is None
        assert watcher.problems == [], "\n".join(watcher.problems)
    finally:
        await context.close()
