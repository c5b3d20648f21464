"""The home page: search, journeys, top pain points, ownership gaps and stale items."""

from __future__ import annotations

import json

from playwright.async_api import Page, Request, expect

from tests.pages import demo
from tests.pages.conftest import Ui

HREFS = "as => as.map(a => a.getAttribute('href'))"

# loaders/demo/README.md, "Ownership gaps" and "Stale items"
GAPS = {
    "/ui/systems/sys-fsm",
    "/ui/processes/proc-5.1.3",
    "/ui/processes/proc-5.3.1",
    "/ui/journeys/j-switch#tp-tp-switch-sim-delivery",
    "/ui/journeys/j-broadband#tp-tp-bb-reminder",
    "/ui/journeys/j-biz-dispute-move#tp-tp-biz-dispute-form",
    "/ui/journeys/j-biz-dispute-move#tp-tp-biz-move-request",
}
STALE = {
    "/ui/journeys/j-biz-dispute-move",
    "/ui/teams/team-integration",
    "/ui/teams/team-field-scheduling",
    "/ui/teams/team-marketing",
    "/ui/systems/sys-esb",
    "/ui/systems/sys-fsm",
    "/ui/processes/proc-5.1.3",
    "/ui/journeys/j-biz-dispute-move#tp-tp-biz-review",
}


def operations(page: Page) -> list[str]:
    """The names of the GraphQL operations `page` asks for, as it asks."""
    names: list[str] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/graphql") and request.post_data:
            query = json.loads(request.post_data)["query"].lstrip()
            names.append(query.split("(")[0].split("{")[0].removeprefix("query").strip())

    page.on("request", on_request)
    return names


async def test_the_overview(ui: Ui) -> None:
    assert await ui.show("/ui/") == "ready"
    page = ui.page
    journeys = await page.locator("#journeys .card h3 a").evaluate_all(HREFS)
    assert sorted(journeys) == sorted(f"/ui/journeys/{jid}" for jid in demo.journeys())

    # the sections answering questions about the whole graph load as they come into view;
    # the pain point with the most evidence first (loaders/demo/README.md)
    ranking = page.locator("#ranking table tbody th a")
    await page.locator("#ranking").scroll_into_view_if_needed()
    await expect(ranking.first).to_have_attribute("href", "/ui/pain-points/pp-switch-hidden-fees")
    assert await ranking.count() == 10  # a page of the 25 asked for
    await page.locator("#ranking button.more").click()
    await expect(ranking).to_have_count(20)
    await page.select_option("#rank-by", "TEAMS")
    await expect(page.locator("#ranking caption")).to_contain_text("number of teams")

    await page.locator("#gaps").scroll_into_view_if_needed()
    await expect(page.locator("#gaps table")).to_be_visible()
    gaps = set(await page.locator("#gaps table tbody th a").evaluate_all(HREFS))
    assert gaps >= GAPS
    await page.locator("#stale").scroll_into_view_if_needed()
    await expect(page.locator("#stale table")).to_be_visible()
    stale_rows = page.locator("#stale table tbody th a")
    while await page.locator("#stale button.more").count():
        await page.locator("#stale button.more").click()
    assert set(await stale_rows.evaluate_all(HREFS)) >= STALE
    assert "12 months ago" in await page.locator("#stale").inner_text()
    ui.assert_clean()


async def test_search_is_debounced_and_finds_items_of_every_kind(ui: Ui) -> None:
    assert await ui.show("/ui/") == "ready"
    page = ui.page
    searches: list[str] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/graphql") and request.post_data:
            body = json.loads(request.post_data)
            if body["query"].lstrip().startswith("query Search("):
                searches.append(body["variables"]["q"])

    page.on("request", on_request)
    await page.locator("#search-input").press_sequentially("bill", delay=40)
    status = page.locator(".search-status")
    await expect(status).to_contain_text("results for “bill”")
    assert searches == ["bill"]  # one request once typing pauses, not one per key
    assert page.url.endswith("/ui/?q=bill")

    results = set(await page.locator("#search-results a").evaluate_all(HREFS))
    assert "/ui/pain-points/pp-switch-bill-shock" in results  # "First bill higher than quoted"
    assert "/ui/journeys/j-biz-dispute-move" in results  # "Resolving a billing dispute ..."
    assert any(href.startswith("/ui/processes/") for href in results)
    assert any("#tp-" in href for href in results)

    # the address keeps the search
    assert await ui.show("/ui/?q=kestrel") == "ready"
    await expect(page.locator(".search-status")).to_contain_text("for “kestrel”")
    assert await page.locator("#search-input").input_value() == "kestrel"
    assert "/ui/journeys/j-switch" in await page.locator("#search-results a").evaluate_all(HREFS)
    ui.assert_clean()


async def test_questions_about_the_whole_graph_are_asked_when_their_section_is_seen(
    ui: Ui,
) -> None:
    page = ui.page
    await page.set_viewport_size({"width": 1400, "height": 500})
    asked = operations(page)
    assert await ui.show("/ui/") == "ready"
    assert "Home" in asked
    assert "OwnershipGaps" not in asked
    assert "StaleItems" not in asked
    assert await page.locator("#stale .deferred").get_attribute("aria-busy") == "true"

    await page.locator("#stale").scroll_into_view_if_needed()
    await expect(page.locator("#stale table")).to_be_visible()
    assert asked.count("StaleItems") == 1
    assert await page.locator("#stale .deferred").get_attribute("aria-busy") == "false"

    # a link to a section shows the page once that section is loaded
    await page.goto("about:blank")  # else only the fragment changes
    asked.clear()
    assert await ui.show("/ui/#stale") == "ready"
    assert "StaleItems" in asked
    assert await page.locator("#stale table").count() == 1
    assert await page.locator("#stale .deferred").get_attribute("aria-busy") == "false"
    ui.assert_clean()
