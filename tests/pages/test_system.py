"""The system page: blast radius — systems, touchpoints, journeys and personas depending on it."""

from __future__ import annotations

from playwright.async_api import Route

from tests.pages import demo
from tests.pages.conftest import Ui

HREFS = "as => as.map(a => a.getAttribute('href'))"


async def test_the_blast_radius_of_a_platform(ui: Ui) -> None:
    # loaders/demo/README.md: almost every system depends on sys-iam, so it reaches every journey
    system = demo.systems()["sys-iam"]
    assert await ui.show("/ui/systems/sys-iam") == "ready"
    page = ui.page
    assert await page.inner_text("h1") == system["name"]
    assert f"/ui/teams/{system['owner']}" in await page.locator(".page-head a").evaluate_all(HREFS)

    section = page.locator("#blast-radius")
    dependents = await section.locator("table").nth(1).locator("tbody th a").evaluate_all(HREFS)
    assert sorted(dependents) == sorted(f"/ui/systems/{s}" for s in demo.dependents("sys-iam"))

    links = set(await section.locator("a").evaluate_all(HREFS))
    for journey in demo.journeys().values():
        assert f"/ui/journeys/{journey.id}" in links
        assert f"/ui/personas/{journey.persona}" in links
    # the table shows 25 rows at a time
    first_table = section.locator(".table-block").first
    assert await first_table.locator("tbody tr").count() == 25
    while await first_table.locator("button.more").count():
        await first_table.locator("button.more").click()
    touchpoints = set(await first_table.locator("tbody th a").evaluate_all(HREFS))
    assert touchpoints == {
        f"/ui/journeys/{journey.id}#tp-{tp['id']}"
        for journey in demo.journeys().values()
        for tp in journey.touchpoints
    }

    graph = section.locator("svg.graph")
    assert await graph.locator("title").first.text_content() == f"Blast radius of {system['name']}"
    assert "If Kestrel ID" in (await graph.locator("desc").first.text_content() or "")
    nodes = set(await graph.locator("a.graph__node").evaluate_all(HREFS))
    for upstream in system["depends_on"].split(";"):
        assert f"/ui/systems/{upstream}" in nodes
    for dependent in demo.dependents("sys-iam"):
        assert f"/ui/systems/{dependent}" in nodes
    ui.assert_clean()


async def test_an_unowned_system_shows_the_gap(ui: Ui) -> None:
    assert demo.systems()["sys-fsm"]["owner"] == ""
    assert await ui.show("/ui/systems/sys-fsm") == "ready"
    assert "no team (an ownership gap)" in await ui.page.locator(".page-head").inner_text()
    ui.assert_clean()


async def test_a_part_that_fails_says_so_and_the_rest_is_shown(ui: Ui) -> None:
    # the dependencies through touchpoints come in a request of their own
    async def refuse_radius(route: Route) -> None:
        if "query SystemRadius" in (route.request.post_data or ""):
            await route.fulfill(json={"errors": [{"message": "the engine is busy"}]})
        else:
            await route.continue_()

    await ui.page.route("**/graphql", refuse_radius)
    ui.watch.allowed = ("Part of the page could not be loaded",)
    assert await ui.show("/ui/systems/sys-iam") == "ready"
    section = ui.page.locator("#blast-radius")
    assert "the engine is busy" in await section.get_by_role("alert").inner_text()
    assert await section.locator(".deferred").get_attribute("aria-busy") == "false"
    # the rest of the page is there: its figures, the systems depending on it
    assert await ui.page.locator(".page-head .stats").count() == 1
    dependents = await section.locator("table tbody th a").evaluate_all(HREFS)
    assert sorted(dependents) == sorted(f"/ui/systems/{s}" for s in demo.dependents("sys-iam"))
    ui.assert_clean()
