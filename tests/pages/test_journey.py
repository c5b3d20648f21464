"""The journey page: service blueprint, pain points where they occur, emotion curve, ratings."""

from __future__ import annotations

from typing import Any

from tests.pages import demo
from tests.pages.conftest import Ui

LAYERS = [
    "Physical evidence",
    "Customer action",
    "Line of interaction",
    "Frontstage",
    "Line of visibility",
    "Backstage",
    "Line of internal interaction",
    "Support processes",
    "Systems",
    "Pain points",
    "Measurements",
]

# For each touchpoint column of the blueprint: its id and the links of each layer's cell.
COLUMNS_JS = """() => {
  const table = document.querySelector('table.blueprint');
  const heads = [...table.querySelectorAll('thead tr:nth-child(2) th')].slice(1);
  const rows = [...table.querySelectorAll('tbody tr.layer-row')];
  return heads.map((head, index) => ({
    id: head.id,
    cells: Object.fromEntries(rows.map(row => [
      row.querySelector('th').textContent.trim(),
      [...row.querySelectorAll('td')[index].querySelectorAll('a')].map(a => a.getAttribute('href')),
    ])),
    text: Object.fromEntries(rows.map(row => [
      row.querySelector('th').textContent.trim(), row.querySelectorAll('td')[index].textContent,
    ])),
  }));
}"""


def signed(value: float) -> str:
    text = f"{value:g}".replace("-", "\N{MINUS SIGN}")
    return f"+{text}" if value > 0 else text


async def test_the_blueprint_has_the_stages_touchpoints_and_layers_of_the_journey(ui: Ui) -> None:
    journey = demo.journeys()["j-broadband"]
    assert await ui.show(f"/ui/journeys/{journey.id}") == "ready"
    page = ui.page

    assert await page.inner_text("h1") == journey.name
    assert await page.title() == f"{journey.name} — journey · cxgraph"
    stage_heads = page.locator("table.blueprint thead th[scope=colgroup]")
    assert await stage_heads.evaluate_all("hs => hs.map(h => h.id)") == [
        f"st-{stage.id}" for stage in journey.stages
    ]
    for stage, text in zip(journey.stages, await stage_heads.all_inner_texts(), strict=True):
        assert stage.name in text
    # stages span their touchpoints
    assert await stage_heads.evaluate_all("hs => hs.map(h => h.colSpan)") == [
        max(1, len(stage.touchpoints)) for stage in journey.stages
    ]
    assert await page.locator("table.blueprint tbody th[scope=row]").all_text_contents() == LAYERS

    columns: list[dict[str, Any]] = await page.evaluate(COLUMNS_JS)
    assert [column["id"] for column in columns] == [f"tp-{tp['id']}" for tp in journey.touchpoints]
    for column, tp in zip(columns, journey.touchpoints, strict=True):
        # the owning team beside the customer's action, or the gap
        if tp.get("owner"):
            assert f"/ui/teams/{tp['owner']}" in column["cells"]["Customer action"], tp["id"]
        else:
            assert "No owner" in column["text"]["Customer action"], tp["id"]
        assert tp["action"] in column["text"]["Customer action"]
        if tp.get("evidence"):
            assert tp["evidence"] in column["text"]["Physical evidence"]
        # pain points marked where they occur
        pains = [f"/ui/pain-points/{pp['id']}" for pp in tp.get("pain_points", [])]
        assert sorted(column["cells"]["Pain points"]) == sorted(pains), tp["id"]
        # the systems behind it, each linked
        for system in tp.get("systems", []):
            assert f"/ui/systems/{system}" in column["cells"]["Systems"], (tp["id"], system)
        # the processes in their layers, with their owners
        for process in tp.get("processes", []):
            row = demo.processes()[process]
            lane = {
                "frontstage": "Frontstage",
                "backstage": "Backstage",
                "support": "Support processes",
            }[row["layer"]]
            assert f"/ui/processes/{process}" in column["cells"][lane], (tp["id"], process)
            if row["owner"]:
                assert f"/ui/teams/{row['owner']}" in column["cells"][lane], (tp["id"], process)
    ui.assert_clean()


async def test_the_emotion_curve_is_a_chart_with_its_data_as_a_table(ui: Ui) -> None:
    journey = demo.journeys()["j-broadband"]
    assert await ui.show(f"/ui/journeys/{journey.id}") == "ready"
    page = ui.page

    chart = page.locator("#emotion svg.chart")
    assert await chart.get_attribute("role") == "img"
    title = await chart.locator("title").first.text_content()
    desc = await chart.locator("desc").first.text_content()
    assert title == f"Emotion curve of {journey.name}"
    assert desc is not None
    assert "lowest, \N{MINUS SIGN}3, during “Installation day”" in desc
    labelled_by = (await chart.get_attribute("aria-labelledby") or "").split()
    assert len(labelled_by) == 2
    assert await chart.locator("circle.chart__dot").count() == 3 * len(journey.stages)

    rows = await page.locator("#emotion table tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.children].map(c => c.textContent.trim()))"
    )
    assert [row[0] for row in rows] == [stage.name for stage in journey.stages]
    for row, stage in zip(rows, journey.stages, strict=True):
        assert row[1:4] == [signed(stage.emotion[phase]) for phase in ("before", "during", "after")]
    # the ratings of each stage: CES of "Order" and the CSAT from feedback on "Installation day"
    order = rows[[stage.id for stage in journey.stages].index("st-bb-order")]
    assert order[6] == "5.3"
    install = rows[[stage.id for stage in journey.stages].index("st-bb-install")]
    assert install[4] not in ("\N{EN DASH}", "")
    # the journey's own measurement
    assert "4" in await page.locator(".stats .stat", has_text="NPS after").inner_text()
    ui.assert_clean()


async def test_a_touchpoint_link_opens_the_journey_at_the_touchpoint(ui: Ui) -> None:
    assert await ui.show("/ui/touchpoints/tp-bb-technician-visit") == "ready"
    assert ui.page.url.endswith("/ui/journeys/j-broadband#tp-tp-bb-technician-visit")
    target = ui.page.locator("[id='tp-tp-bb-technician-visit']")
    assert "is-target" in (await target.get_attribute("class") or "")
    assert await target.is_visible()

    assert await ui.show("/ui/stages/st-biz-raise") == "ready"
    assert ui.page.url.endswith("/ui/journeys/j-biz-dispute-move#st-st-biz-raise")
    ui.assert_clean()


async def test_an_unknown_journey_says_so(ui: Ui) -> None:
    assert await ui.show("/ui/journeys/j-nowhere") == "not-found"
    assert await ui.page.inner_text("h1") == "Not found"
    assert "j-nowhere" in await ui.page.inner_text("main")
    ui.assert_clean()
