"""The team page: what it owns and performs, what it affects, hand-offs, roll-up."""

from __future__ import annotations

from tests.pages import demo
from tests.pages.conftest import Ui

HREFS = "as => as.map(a => a.getAttribute('href'))"


async def test_what_the_team_owns_performs_and_affects(ui: Ui) -> None:
    team = demo.teams()["team-web"]
    assert await ui.show("/ui/teams/team-web") == "ready"
    page = ui.page
    assert await page.inner_text("h1") == team["name"]

    touchpoints = await page.locator("#owned-touchpoints li a").evaluate_all(HREFS)
    journey_of = {tp["id"]: j.id for j in demo.journeys().values() for tp in j.touchpoints}
    assert sorted(touchpoints) == sorted(
        f"/ui/journeys/{journey_of[tp]}#tp-{tp}" for tp in demo.owned_touchpoints("team-web")
    )
    systems = await page.locator("#owned-systems li a").evaluate_all(HREFS)
    assert systems == [
        f"/ui/systems/{sid}" for sid, row in demo.systems().items() if row["owner"] == "team-web"
    ]
    performed = await page.locator("#performed-processes li a").evaluate_all(HREFS)
    assert sorted(performed) == sorted(
        f"/ui/processes/{pid}"
        for pid, row in demo.processes().items()
        if "team-web" in row["performers"].split(";")
    )
    assert "None." in await page.locator("#owned-processes").inner_text()

    # the pain points behind what it owns, e.g. the hidden fees on the page it owns
    affected = await page.locator("#affects table tbody th a").evaluate_all(HREFS)
    assert "/ui/pain-points/pp-switch-hidden-fees" in affected
    journeys = await page.locator("#affects > p a").evaluate_all(HREFS)
    assert sorted(journeys) == sorted(f"/ui/journeys/{jid}" for jid in demo.journeys())
    ui.assert_clean()


async def test_hand_offs_and_roll_up(ui: Ui) -> None:
    assert await ui.show("/ui/teams/team-web") == "ready"
    page = ui.page
    rows = await page.locator("#handoffs table tbody tr").evaluate_all(
        """rows => rows.map(r => [r.querySelector('th a').getAttribute('href'),
                                  r.children[2].querySelector('a').getAttribute('href')])"""
    )
    assert sorted(tuple(row) for row in rows) == sorted(
        (f"/ui/processes/{mine}", f"/ui/processes/{other}")
        for mine, other in demo.handoffs("team-web")
    )
    # the other side of each hand-off names its teams
    teams = await page.locator("#handoffs table tbody tr").evaluate_all(
        """rows => rows.map(r => [r.children[2].querySelector('a').getAttribute('href'),
                                  [...r.children[3].querySelectorAll('a')].map(a => a.getAttribute('href'))])"""
    )
    for other, links in teams:
        pid = other.removeprefix("/ui/processes/")
        assert sorted(links) == sorted(
            f"/ui/teams/{t}" for t in demo.process_teams(pid) - {"team-web"}
        )

    tree = await page.locator("#org .tree a").evaluate_all(HREFS)
    for ancestor in demo.ancestors("team-web"):
        assert f"/ui/teams/{ancestor}" in tree
    assert await page.locator("#org .tree strong").inner_text() == demo.teams()["team-web"]["name"]
    ui.assert_clean()


async def test_a_department_rolls_up_its_units(ui: Ui) -> None:
    units = [tid for tid, row in demo.teams().items() if row["parent"] == "team-digital"]
    assert units
    assert await ui.show("/ui/teams/team-digital") == "ready"
    tree = await ui.page.locator("#org .tree a").evaluate_all(HREFS)
    for unit in units:
        assert f"/ui/teams/{unit}" in tree
    # what its units affect counts for it too
    assert await ui.page.locator("#affects table tbody tr").count() > 0
    ui.assert_clean()
