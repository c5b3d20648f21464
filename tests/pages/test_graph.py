"""The layered graphs (lib/graph.js) route every edge around the boxes: read back from the
drawn SVG, no edge enters a box — neither on the demo's pain-point and system pages nor on
denser graphs made up here and drawn by the same module."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Locator, Page

from tests.pages import demo
from tests.pages.conftest import Ui

# Every edge path read back from its `d` (absolute M, L and C commands, which is what
# lib/graph.js draws; anything else fails the test), curves cut into 32 chords each; every
# chord is tested against every box shrunk by half a pixel (a path starts on its box's
# border).
CROSSINGS = """svg => {
  const boxes = [...svg.querySelectorAll('[data-node]')].map((node) => {
    const rect = node.querySelector('rect.graph__box');
    return { id: node.dataset.node, x: rect.x.baseVal.value, y: rect.y.baseVal.value,
             w: rect.width.baseVal.value, h: rect.height.baseVal.value };
  });
  const inset = 0.5;
  // Liang-Barsky: does the segment p-q meet the open rectangle?
  const meets = (p, q, box) => {
    const [x0, x1, y0, y1] = [box.x + inset, box.x + box.w - inset, box.y + inset, box.y + box.h - inset];
    let t0 = 0, t1 = 1;
    const dx = q.x - p.x, dy = q.y - p.y;
    for (const [step, room] of [[-dx, p.x - x0], [dx, x1 - p.x], [-dy, p.y - y0], [dy, y1 - p.y]]) {
      if (step === 0) { if (room <= 0) return false; continue; }
      const t = room / step;
      if (step < 0) { if (t > t1) return false; if (t > t0) t0 = t; }
      else { if (t < t0) return false; if (t < t1) t1 = t; }
    }
    return t0 < t1;
  };
  // the polyline of a path: its points, curves cut into chords
  const points = (d) => {
    const tokens = d.match(/[A-Za-z]|-?[0-9.]+(?:e-?[0-9]+)?/g);
    const out = [];
    let at = null;
    for (let i = 0; i < tokens.length;) {
      const command = tokens[i++];
      const take = (n) => tokens.slice(i, (i += n)).map(Number);
      if (command === 'M' || command === 'L') {
        const [x, y] = take(2);
        at = { x, y };
        out.push(at);
      } else if (command === 'C') {
        const [x1, y1, x2, y2, x, y] = take(6);
        const p0 = at;
        for (let k = 1; k <= 32; k += 1) {
          const t = k / 32, u = 1 - t;
          out.push({ x: u * u * u * p0.x + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x,
                     y: u * u * u * p0.y + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y });
        }
        at = { x, y };
      } else {
        throw new Error(`unexpected path command ${command} in ${d}`);
      }
    }
    return out;
  };
  const problems = [];
  const seen = new Set();
  const edges = [...svg.querySelectorAll('path.graph__edge')];
  for (const path of edges) {
    const line = points(path.getAttribute('d'));
    for (let i = 1; i < line.length; i += 1) {
      for (const box of boxes) {
        if (meets(line[i - 1], line[i], box) && !seen.has(`${path.dataset.from}>${path.dataset.to}|${box.id}`)) {
          seen.add(`${path.dataset.from}>${path.dataset.to}|${box.id}`);
          const own = box.id === path.dataset.from || box.id === path.dataset.to;
          problems.push(`${path.dataset.from} -> ${path.dataset.to} ${own ? 'enters its own end' : 'crosses'} ${box.id} near (${line[i].x.toFixed(1)}, ${line[i].y.toFixed(1)})`);
        }
      }
    }
  }
  const overlaps = [];
  for (const a of boxes) for (const b of boxes) {
    if (a.id < b.id && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.id} overlaps ${b.id}`);
  }
  const column = new Map(boxes.map((box) => [box.id, box.x]));
  const span = (path) => Math.abs(column.get(path.dataset.to) - column.get(path.dataset.from));
  return {
    problems: problems.concat(overlaps),
    boxes: boxes.length,
    edges: edges.length,
    long: edges.filter((path) => span(path) > 250).length,
  };
}"""

# Layered graphs made up from a seed: 4 to 7 columns of 1 to 9 boxes with labels of 1 to 3
# lines, edges forward over any number of columns, some backward and some within a column.
SYNTHETIC = """async ({ module, seed }) => {
  const { layeredGraph } = await import(module);
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const words = ['Billing', 'order', 'capture', 'and', 'the', 'customer', 'identity', 'platform', 'field', 'service'];
  const columns = Array.from({ length: 4 + Math.floor(random() * 4) }, (_, i) => ({ key: `c${i}`, label: `Column ${i}` }));
  const nodes = [];
  columns.forEach((column, c) => {
    const count = 1 + Math.floor(random() * 9);
    for (let i = 0; i < count; i += 1) {
      const label = Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick(words)).join(' ');
      nodes.push({ id: `n${c}-${i}`, column: column.key, label, sub: random() < 0.3 ? 'sub' : null, kind: 'system', href: null, paths: new Set() });
    }
  });
  const edges = new Map();
  for (let i = 0; i < nodes.length * 2; i += 1) {
    const from = pick(nodes);
    const to = pick(nodes);
    const a = Number(from.column.slice(1));
    const b = Number(to.column.slice(1));
    if (from === to || (b < a && random() < 0.7)) continue;
    edges.set(`${from.id}>${to.id}`, { from: from.id, to: to.id, title: `${from.id} to ${to.id}`, paths: new Set() });
  }
  const graph = layeredGraph({ columns, nodes, edges: [...edges.values()], title: `Synthetic ${seed}`, desc: 'A made-up graph.' });
  graph.id = `synthetic-${seed}`;
  document.querySelector('main').append(graph);
  return graph.id;
}"""


async def crossings(graph: Locator) -> dict[str, Any]:
    result: dict[str, Any] = await graph.evaluate(CROSSINGS)
    return result


async def test_edges_of_every_demo_pain_point_graph_go_around_the_boxes(ui: Ui) -> None:
    long_edges = 0
    pains = sorted(pp["id"] for journey in demo.journeys().values() for pp in journey.pain_points)
    for pain in pains:
        assert await ui.show(f"/ui/pain-points/{pain}") == "ready"
        graph = ui.page.locator("#teams svg.graph")
        if not await graph.count():
            continue  # no team is linked to it
        found = await crossings(graph)
        assert found["problems"] == [], pain
        assert found["edges"] > 0, pain
        long_edges += found["long"]
    # the demo has edges that skip columns (a process to its owning team, say)
    assert long_edges > 0
    ui.assert_clean()


async def test_edges_of_a_blast_radius_go_around_the_boxes(ui: Ui) -> None:
    assert await ui.show("/ui/systems/sys-iam") == "ready"
    found = await crossings(ui.page.locator("#blast-radius svg.graph"))
    assert found["problems"] == []
    assert found["long"] > 0
    ui.assert_clean()


async def _graph_module(page: Page) -> str:
    href = await page.locator("link[rel=modulepreload][href$='/lib/graph.js']").get_attribute(
        "href"
    )
    assert href
    return href


async def test_edges_of_denser_made_up_graphs_go_around_the_boxes(ui: Ui) -> None:
    assert await ui.show("/ui/pain-points/pp-switch-hidden-fees") == "ready"
    module = await _graph_module(ui.page)
    long_edges = 0
    for seed in range(1, 31):
        graph_id = await ui.page.evaluate(SYNTHETIC, {"module": module, "seed": seed})
        found = await crossings(ui.page.locator(f"#{graph_id}"))
        assert found["problems"] == [], f"seed {seed}"
        long_edges += found["long"]
    assert long_edges > 30
    ui.assert_clean()
