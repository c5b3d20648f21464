"""Every page: its links lead to pages that load cleanly, the keyboard reaches the content,
a narrow window does not scroll sideways, and nothing comes from outside the server."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.async_api import BrowserContext

from tests.pages.browser import show, watch
from tests.pages.conftest import Ui

PAGES = {
    "home": "/ui/",
    "journey": "/ui/journeys/j-broadband",
    "pain-point": "/ui/pain-points/pp-switch-hidden-fees",
    "team": "/ui/teams/team-web",
    "system": "/ui/systems/sys-iam",
    "process": "/ui/processes/proc-3.5.2",
    "persona": "/ui/personas/per-family",
    "opportunity": "/ui/opportunities/opp-price-calculator",
    "person": "/ui/people/p-chloe-martin",
    "channel": "/ui/channels/ch-web",
    "need": "/ui/needs/need-clear-price",
}

LINKS_JS = "() => [...document.querySelectorAll('a[href]')].map(a => new URL(a.getAttribute('href'), location.href).href)"
IDS_JS = "() => [...document.querySelectorAll('[id]')].map(e => e.id)"


@dataclass
class Crawl:
    """Pages loaded so far this session (by URL without fragment), with their element ids."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="session")
def crawl() -> Crawl:
    return Crawl()


async def visit(context: BrowserContext, base_url: str, crawl: Crawl, url: str) -> None:
    """Load `url` in its own tab (once a session) and record its problems and ids."""
    key = url.split("#")[0]
    if key in crawl.ids:
        return
    page = await context.new_page()
    watcher = watch(page, base_url)
    try:
        state = await show(page, url)
        if state != "ready":
            watcher.problems.append(f"page state {state!r}")
        final = page.url.split("#")[0]
        crawl.ids[key] = set(await page.evaluate(IDS_JS))
        if final != key:  # a touchpoint or stage URL opened its journey page
            crawl.ids[final] = crawl.ids[key]
            fragment = urlsplit(page.url).fragment
            if fragment and unquote(fragment) not in crawl.ids[key]:
                watcher.problems.append(f"{url} led to {page.url}, which has no #{fragment}")
        crawl.problems[key] = list(watcher.problems)
    finally:
        await page.close()


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
async def test_every_link_leads_to_a_page_that_loads_cleanly(
    ui: Ui, context: BrowserContext, api_url: str, crawl: Crawl, path: str
) -> None:
    assert await ui.show(path) == "ready"
    ui.assert_clean()
    page_ids = set(await ui.page.evaluate(IDS_JS))
    links = sorted(set(await ui.page.evaluate(LINKS_JS)))
    assert links, "a page without links"
    broken: list[str] = []
    # load the linked pages a few at a time, then check each link
    same_page = ui.page.url.split("#")[0]
    pages = {link.split("#")[0] for link in links if urlsplit(link).path.startswith("/ui/")}
    tabs = asyncio.Semaphore(4)

    async def load(url: str) -> None:
        async with tabs:
            await visit(context, api_url, crawl, url)

    await asyncio.gather(*(load(url) for url in sorted(pages - {same_page})))
    for link in links:
        parts = urlsplit(link)
        assert f"{parts.scheme}://{parts.netloc}" == api_url, f"a link leaves the server: {link}"
        if not parts.path.startswith("/ui/"):
            # the API's own pages (GraphiQL, the schema reference): answered, not rendered
            response = await ui.page.request.get(link)
            if not response.ok:
                broken.append(f"{link}: HTTP {response.status}")
            continue
        key = link.split("#")[0]
        if key == same_page:
            ids = page_ids
        else:
            broken += [f"{link}: {problem}" for problem in crawl.problems[key]]
            ids = crawl.ids[key]
        if parts.fragment and unquote(parts.fragment) not in ids:
            broken.append(f"{link}: no element #{unquote(parts.fragment)} on that page")
    assert broken == [], "\n".join(broken)


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
async def test_the_skip_link_and_the_tab_order_reach_the_main_content(ui: Ui, path: str) -> None:
    assert await ui.show(path) == "ready"
    page = ui.page
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip-link"
    assert await page.locator(".skip-link").is_visible()  # shown when focused
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.getElementById('main').contains(document.activeElement)")
    focused = await page.evaluate("document.activeElement.tagName")
    assert focused in ("A", "BUTTON", "INPUT", "SELECT", "DIV", "a")

    # without the skip link, tabbing through the header also gets there
    await page.evaluate("document.activeElement.blur()")
    assert await ui.show(path) == "ready"
    presses = 0
    while not await page.evaluate(
        "document.getElementById('main').contains(document.activeElement)"
    ):
        if presses:
            # everything focused on the way shows that it is
            outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", await page.evaluate("document.activeElement.outerHTML")
        assert presses < 10, "10 presses of Tab did not reach the main content"
        await page.keyboard.press("Tab")
        presses += 1
    ui.assert_clean()


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
async def test_a_narrow_window_does_not_scroll_sideways(ui: Ui, path: str, tmp_path: Path) -> None:
    await ui.page.set_viewport_size({"width": 400, "height": 800})
    assert await ui.show(path) == "ready"
    widths = await ui.page.evaluate(
        "[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[2], widths
    assert widths[1] <= widths[2], widths
    await ui.page.screenshot(path=tmp_path / "narrow.png", full_page=True)
    await ui.page.set_viewport_size({"width": 1400, "height": 900})
    await ui.page.screenshot(path=tmp_path / "wide.png", full_page=True)
    assert (tmp_path / "narrow.png").stat().st_size > 10_000
    ui.assert_clean()


async def test_headings_are_in_order_and_tables_have_headers(ui: Ui) -> None:
    for path in PAGES.values():
        assert await ui.show(path) == "ready"
        levels = await ui.page.evaluate(
            "[...document.querySelectorAll('main h1, main h2, main h3, main h4')].map(h => +h.tagName[1])"
        )
        assert levels[0] == 1, (path, levels)
        assert levels.count(1) == 1, (path, levels)
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (path, levels)
        assert await ui.page.evaluate(
            """[...document.querySelectorAll('main table')].every(t =>
                 t.querySelector('caption') && t.querySelectorAll('thead th[scope]').length > 0)"""
        ), path
        assert await ui.page.locator("header nav[aria-label]").count() == 1
        assert await ui.page.locator("main#main").count() == 1
    ui.assert_clean()


async def test_nothing_is_fetched_from_elsewhere(ui: Ui) -> None:
    for path in PAGES.values():
        assert await ui.show(path) == "ready"
        requests = list(ui.watch.requests)
        assert requests
        assert all(url.startswith(ui.base_url) for url in requests), requests
    ui.assert_clean()
