"""The pain-point page: the teams affecting it as a graph by blueprint layer, with the
evidence behind each link; the customers it hurts; the opportunities addressing it."""

from __future__ import annotations

from playwright.async_api import expect

from tests.pages import demo
from tests.pages.conftest import Ui

# loaders/demo/README.md: Web & CMS owns the comparison page and performs the pricing
# process, Marketing & Product owns that process and the product catalogue, Commercial owns
# the parent process "Market and sell".
HIDDEN_FEES = "pp-switch-hidden-fees"
HIDDEN_FEES_TEAMS = {"team-web", "team-marketing", "team-commercial"}
TOUCHPOINT = "tp-switch-compare-plans"


def pain_point(pain_id: str) -> tuple[dict[str, object], dict[str, object], demo.Journey]:
    for journey in demo.journeys().values():
        for tp in journey.touchpoints:
            for pp in tp.get("pain_points", []):
                if pp["id"] == pain_id:
                    return pp, tp, journey
    raise KeyError(pain_id)


async def test_the_graph_runs_from_the_pain_point_through_the_layers_to_the_teams(ui: Ui) -> None:
    pp, tp, journey = pain_point(HIDDEN_FEES)
    assert await ui.show(f"/ui/pain-points/{HIDDEN_FEES}") == "ready"
    page = ui.page
    assert await page.inner_text("h1") == pp["name"]

    graph = page.locator("#teams svg.graph")
    assert await graph.locator("title").first.text_content() == f"Teams affecting “{pp['name']}”"
    desc = await graph.locator("desc").first.text_content() or ""
    for team in HIDDEN_FEES_TEAMS:
        assert demo.teams()[team]["name"] in desc
    # one column per layer, from the pain point to the teams
    assert await graph.locator(".graph__lane-label").all_text_contents() == [
        "Pain point",
        "Touchpoint",
        "Frontstage",
        "Backstage",
        "Systems",
        "Teams",
    ]
    team_links = await graph.locator("a.graph__node--team").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    assert sorted(team_links) == sorted(f"/ui/teams/{team}" for team in HIDDEN_FEES_TEAMS)
    # the touchpoint links to its place on its journey; processes sit in their own layer
    assert (
        await graph.locator(
            f"a.graph__node--customer[href='/ui/journeys/{journey.id}#tp-{TOUCHPOINT}']"
        ).count()
        == 1
    )
    for process in tp["processes"]:  # type: ignore[attr-defined]
        layer = demo.processes()[process]["layer"]
        assert (
            await graph.locator(f"a.graph__node--{layer}[href='/ui/processes/{process}']").count()
            == 1
        )
    for system in tp["systems"]:  # type: ignore[attr-defined]
        assert (
            await graph.locator(f"a.graph__node--system[href='/ui/systems/{system}']").count() == 1
        )

    # columns left to right: pain point, touchpoint, processes, systems, teams
    xs = await graph.evaluate(
        """svg => Object.fromEntries(['pain', 'customer', 'frontstage', 'backstage', 'system', 'team']
             .map(kind => [kind, Math.min(...[...svg.querySelectorAll('.graph__node--' + kind + ' rect')]
             .map(r => r.x.baseVal.value))]))"""
    )
    order = ["pain", "customer", "frontstage", "backstage", "system", "team"]
    assert [xs[kind] for kind in order] == sorted(xs[kind] for kind in order)

    # every edge says what it stands for
    edges = graph.locator("path.graph__edge")
    assert await edges.count() > 0
    assert all(
        await edges.evaluate_all("es => es.map(e => !!e.querySelector('title')?.textContent)")
    )

    # focusing a team lights up its evidence paths
    commercial = graph.locator("a[href='/ui/teams/team-commercial']")
    await commercial.focus()
    assert "graph--focus" in (await graph.get_attribute("class") or "")
    lit = await graph.locator("path.graph__edge.is-lit").count()
    assert 0 < lit < await edges.count()
    ui.assert_clean()


async def test_the_evidence_table_lists_every_path(ui: Ui) -> None:
    assert await ui.show(f"/ui/pain-points/{HIDDEN_FEES}") == "ready"
    rows = await ui.page.locator("#teams table tbody tr").evaluate_all(
        """rows => rows.map(r => ({
             team: r.querySelector('th a').getAttribute('href'),
             role: r.children[1].textContent,
             layer: r.children[2].textContent,
             path: [...r.children[4].querySelectorAll('li a')].map(a => a.getAttribute('href')),
           }))"""
    )
    assert {row["team"] for row in rows} == {f"/ui/teams/{team}" for team in HIDDEN_FEES_TEAMS}
    for row in rows:
        # from the touchpoint to the team
        assert row["path"][0].endswith(f"#tp-{TOUCHPOINT}")
        assert row["path"][-1] == row["team"]
    assert {
        (row["team"], row["role"], row["layer"])
        for row in rows
        if row["team"] == "/ui/teams/team-commercial"
    } == {("/ui/teams/team-commercial", "owns a process", "frontstage")}
    assert ("/ui/teams/team-web", "owns the touchpoint", "customer action") in {
        (row["team"], row["role"], row["layer"]) for row in rows
    }
    ui.assert_clean()


async def test_customers_feedback_and_opportunities(ui: Ui) -> None:
    pp, _, _ = pain_point(HIDDEN_FEES)
    assert await ui.show(f"/ui/pain-points/{HIDDEN_FEES}") == "ready"
    page = ui.page
    evidence = demo.feedback_count(TOUCHPOINT, str(pp["category"]))
    assert await page.locator(".stat", has_text="Feedback evidencing it").locator(
        "dd"
    ).inner_text() == str(evidence)
    personas = await page.locator("#customers table tbody th a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    # the persona its journey is mapped for, and one found through feedback only
    assert "/ui/personas/per-family" in personas
    assert "/ui/personas/per-value" in personas

    feedback = page.locator("#feedback ul.items > li")
    assert await feedback.count() == 5
    await page.get_by_role("button", name="Show 4 more").click()
    await expect(feedback).to_have_count(9)
    assert await page.locator("#feedback button.more").count() == 0

    assert (
        await page.locator(
            "#opportunities a[href='/ui/opportunities/opp-price-calculator']"
        ).count()
        == 1
    )
    assert "in progress" in await page.locator("#opportunities").inner_text()
    ui.assert_clean()


async def test_a_pain_point_without_opportunity_or_feedback_says_so(ui: Ui) -> None:
    # loaders/demo/README.md: pp-biz-move-notice has no evidence, and no opportunity
    assert await ui.show("/ui/pain-points/pp-biz-move-notice") == "ready"
    text = await ui.page.inner_text("main")
    assert "No feedback evidences this pain point" in text
    assert "No opportunity addresses this pain point yet." in text
    ui.assert_clean()
