"""How fast the built-in pages are shown, measured in a real headless Chromium.

    .venv/bin/python -m benchmarks.pages --url http://127.0.0.1:8000 [--api-key KEY]
    .venv/bin/python -m benchmarks.pages --url ... --samples 20 --json pages.json

Against a running server (an API key, or anonymous access as with `CXGRAPH_ANONYMOUS_ROLE` or
demo mode), it picks items through GraphQL — journeys, pain points (the one most teams must
cooperate on among them), teams, the division with the most people, systems, and the
system most others depend on — and opens each kind of page `samples` times, cycling
through its items, in one browser tab whose HTTP cache is warm (as for someone clicking
through the pages). The home page is also opened at each of its sections answering a
question about the whole graph, which load only once they are in view. Per page it
reports, in milliseconds from the start of the navigation:

- `content_ms`: until the view's content is in the page (`cxgraph:content` on the page's
  performance timeline); parts of it may still be loading;
- `shown_ms`: until the page's own signal that it is shown (`<body data-state>` leaves
  `loading`, marked `cxgraph:shown`): every part in view is loaded;
- `rendered_ms`: until the frame showing it is drawn (`cxgraph:painted`): the time to a
  fully rendered page;
- `graphql_ms`: wall time with at least one GraphQL request in flight (requests in parallel
  count once), `engine_ms` the engine time the API reports for them (`extensions.engine`),
  `graphql_requests` how many there were, and each GraphQL operation's own time.

Times are summarised over the visits that ended `ready`; `states` counts how every visit
ended (`error`, say, when the server failed). Numbers are returned and printed, never
asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from playwright.async_api import Browser, Page, Request, async_playwright
from rich.console import Console
from rich.table import Table

from benchmarks.harness import machine
from tests.pages.browser import ChromiumMissing, launch, offline_context

KEY_STORAGE = "cxgraph.apiKey"
"""Where the pages keep the API key of a browser tab (api/pages/static/lib/gql.js)."""

SEED = 1
ITEMS = 3
"""Items picked at random per kind of page (besides the largest ones)."""

HOME_PARTS = ("ranking", "gaps", "stale")
"""Sections of the home page that load once in view (api/pages/static/views/home.js)."""

TIMEOUT_MS = 120_000
"""Longest wait for one page."""

OPERATION = re.compile(r"^\s*(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)")

COLLECT = """() => {
  const mark = (name) => performance.getEntriesByName(name, 'mark').at(-1);
  const content = mark('cxgraph:content');
  const shown = mark('cxgraph:shown');
  const painted = mark('cxgraph:painted');
  return {
    state: document.body.dataset.state ?? '',
    content: content?.startTime ?? null,
    shown: shown?.startTime ?? null,
    painted: painted?.startTime ?? null,
  };
}"""

PAINTED = "() => performance.getEntriesByName('cxgraph:painted', 'mark').length > 0"


@dataclass(frozen=True)
class Target:
    """A kind of page and the paths of the items it is measured on."""

    page: str
    view: str
    """The view (api/pages/static/app.js) showing these paths."""
    paths: tuple[str, ...]


@dataclass
class Visit:
    """One page shown once."""

    path: str
    state: str
    content_ms: float
    shown_ms: float
    rendered_ms: float
    graphql_ms: float
    engine_ms: float
    operations: list[tuple[str, float]] = field(default_factory=list)


def summary(samples: Sequence[float]) -> dict[str, float]:
    """Count, median, p95 (nearest rank) and maximum of `samples`."""
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "max": round(ordered[-1], 1),
    }


# -- picking the items -----------------------------------------------------------------------


async def _ask(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"GraphQL errors: {body['errors']}")
    data: dict[str, Any] = body["data"]
    return data


async def _all_nodes(
    client: httpx.AsyncClient, field_name: str, nodes: str
) -> list[dict[str, Any]]:
    """Every item of a list field, page by page."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        data = await _ask(
            client,
            f"query Pick($after: String) {{ {field_name}(first: 100, after: $after) "
            f"{{ pageInfo {{ hasNextPage endCursor }} nodes {{ {nodes} }} }} }}",
            after=after,
        )
        connection = data[field_name]
        found.extend(connection["nodes"])
        if not connection["pageInfo"]["hasNextPage"]:
            return found
        after = connection["pageInfo"]["endCursor"]


def _paths(kind: str, ids: list[str]) -> tuple[str, ...]:
    return tuple(f"/ui/{kind}/{quote(item_id, safe='')}" for item_id in ids)


def _ids(connection: dict[str, Any]) -> list[str]:
    return [node["id"] for node in connection["nodes"]]


async def pick_targets(client: httpx.AsyncClient, items: int = ITEMS) -> list[Target]:
    """The pages to measure: random items of each kind (seeded), and the largest ones."""
    rng = random.Random(SEED)

    def some(ids: list[str]) -> list[str]:
        return sorted(rng.sample(ids, min(items, len(ids))))

    journeys = await _ask(client, "query Pick { journeys(first: 100) { nodes { id } } }")
    pains = await _ask(
        client,
        "query Pick { painPoints(first: 100) { nodes { id } } "
        "painPointRanking(by: TEAMS, first: 1) { painPoint { id } } }",
    )
    teams = await _ask(
        client,
        "query Pick { teams(filter: { kindIn: [TEAM] }, first: 100) { nodes { id } } "
        "divisions: teams(filter: { kindIn: [DIVISION] }, first: 100) "
        "{ nodes { id rollUp { level totalMembers } } } }",
    )
    systems = await _all_nodes(client, "systems", "id dependents(first: 0) { totalCount }")

    def size(division: dict[str, Any]) -> int:
        return max((u["totalMembers"] for u in division["rollUp"] if u["level"] == 0), default=0)

    busiest = [row["painPoint"]["id"] for row in pains["painPointRanking"]]
    other_pains = [n["id"] for n in pains["painPoints"]["nodes"] if n["id"] not in busiest]
    division = max(teams["divisions"]["nodes"], key=size, default=None)
    hub = max(systems, key=lambda s: s["dependents"]["totalCount"], default=None)
    other_systems = [s["id"] for s in systems if s is not hub]
    targets = [
        Target("home", "home", ("/ui/",)),
        *(Target(f"home #{part}", "home", (f"/ui/#{part}",)) for part in HOME_PARTS),
        Target("journey", "journey", _paths("journeys", some(_ids(journeys["journeys"])))),
        Target("pain point", "painPoint", _paths("pain-points", busiest + some(other_pains))),
        Target("team", "team", _paths("teams", some(_ids(teams["teams"])))),
        Target("division (largest)", "team", _paths("teams", [division["id"]] if division else [])),
        Target("system", "system", _paths("systems", some(other_systems))),
        Target("system (most dependents)", "system", _paths("systems", [hub["id"]] if hub else [])),
    ]
    return [target for target in targets if target.paths]


# -- visiting them ---------------------------------------------------------------------------


def _covered(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of `intervals`."""
    total = 0.0
    end = float("-inf")
    for start, stop in sorted(intervals):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def _operation(request: Request) -> str:
    try:
        body = request.post_data_json
    except ValueError:
        body = None
    query = body.get("query", "") if isinstance(body, dict) else ""
    found = OPERATION.match(query)
    return found.group(1) if found else "anonymous"


async def visit(page: Page, path: str) -> Visit:
    """Show `path` in `page` and measure it."""
    finished: list[Request] = []

    def on_finished(request: Request) -> None:
        if request.url.endswith("/graphql") and request.method == "POST":
            finished.append(request)

    await page.goto("about:blank")  # a new document each time, also when only a #fragment differs
    page.on("requestfinished", on_finished)
    try:
        await page.goto(path, wait_until="commit")
        await page.wait_for_function(PAINTED, timeout=TIMEOUT_MS, polling=20)
        marks = await page.evaluate(COLLECT)
    finally:
        page.remove_listener("requestfinished", on_finished)
    intervals = []
    operations = []
    engine_ms = 0.0
    for request in finished:
        timing = request.timing
        duration = max(0.0, timing["responseEnd"])
        intervals.append((timing["startTime"], timing["startTime"] + duration))
        operations.append((_operation(request), duration))
        response = await request.response()
        if response is not None:
            try:
                body = await response.json()
            except Exception:  # a body that is not JSON only lacks the engine time
                continue
            engine = (body.get("extensions") or {}).get("engine") or {}
            engine_ms += float(engine.get("ms", 0.0))
    return Visit(
        path=path,
        state=str(marks["state"]),
        content_ms=float(marks["content"] or marks["shown"] or 0.0),
        shown_ms=float(marks["shown"] or 0.0),
        rendered_ms=float(marks["painted"] or 0.0),
        graphql_ms=_covered(intervals),
        engine_ms=engine_ms,
        operations=operations,
    )


def _cycle(paths: Sequence[str], samples: int) -> Iterator[str]:
    for index in range(samples):
        yield paths[index % len(paths)]


def _report(target: Target, visits: list[Visit]) -> dict[str, Any]:
    """What the visits of one kind of page measured; times only of the pages shown whole."""
    states: dict[str, int] = {}
    for one in visits:
        states[one.state] = states.get(one.state, 0) + 1
    shown = [one for one in visits if one.state == "ready"]
    per_operation: dict[str, list[float]] = {}
    for one in shown:
        for name, ms in one.operations:
            per_operation.setdefault(name, []).append(ms)
    return {
        "view": target.view,
        "paths": list(target.paths),
        "states": states,
        "content_ms": summary([v.content_ms for v in shown]),
        "shown_ms": summary([v.shown_ms for v in shown]),
        "rendered_ms": summary([v.rendered_ms for v in shown]),
        "graphql_ms": summary([v.graphql_ms for v in shown]),
        "engine_ms": summary([v.engine_ms for v in shown]),
        "graphql_requests": summary([float(len(v.operations)) for v in shown]),
        "operations": {name: summary(ms) for name, ms in sorted(per_operation.items())},
        "slowest": max(shown, key=lambda v: v.rendered_ms).path if shown else None,
    }


async def _measure(
    browser: Browser, base_url: str, targets: list[Target], samples: int, api_key: str | None
) -> dict[str, Any]:
    context = await offline_context(browser, base_url, viewport={"width": 1400, "height": 900})
    try:
        if api_key:
            await context.add_init_script(
                f"sessionStorage.setItem({json.dumps(KEY_STORAGE)}, {json.dumps(api_key)});"
            )
        page = await context.new_page()
        pages: dict[str, Any] = {}
        for target in targets:
            await visit(page, target.paths[0])  # warm-up: the modules of its view in the cache
            visits = [await visit(page, path) for path in _cycle(target.paths, samples)]
            pages[target.page] = _report(target, visits)
        return pages
    finally:
        await context.close()


async def measure_pages_async(
    base_url: str, *, samples: int, api_key: str | None = None, items: int = ITEMS
) -> dict[str, Any]:
    """`measure_pages` for callers inside an event loop."""
    if samples < 1:
        raise ValueError("samples must be at least 1")
    headers = {"X-API-Key": api_key} if api_key else {}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=120) as client:
        targets = await pick_targets(client, items)
    async with async_playwright() as driver:
        browser = await launch(driver)
        try:
            pages = await _measure(browser, base_url, targets, samples, api_key)
        finally:
            await browser.close()
    return {"base_url": base_url, "samples": samples, "machine": machine(), "pages": pages}


def measure_pages(
    base_url: str, *, samples: int, api_key: str | None = None, items: int = ITEMS
) -> dict[str, Any]:
    """Open each kind of page of the server at `base_url` `samples` times in headless
    Chromium; per kind of page (`result["pages"]`), the items' paths, the states the pages
    ended in, and summaries (`n`, `median`, `p95`, `max`) of the times described in this
    module's docstring; `result["machine"]` says what measured them. Raises
    `ChromiumMissing` without a browser."""
    return asyncio.run(measure_pages_async(base_url, samples=samples, api_key=api_key, items=items))


def _ms(summarised: dict[str, float], key: str) -> str:
    return f"{summarised[key]:.0f}" if summarised["n"] else "-"


def print_pages(result: dict[str, Any], console: Console) -> None:
    """The result of `measure_pages` as a table."""
    table = Table(
        title=f"Pages in headless Chromium, {result['samples']} samples each "
        "(ms from navigation start)"
    )
    table.add_column("page", no_wrap=True)
    for column in (
        "content p50",
        "rendered p50",
        "rendered p95",
        "GraphQL p50",
        "GraphQL p95",
        "engine p50",
        "requests",
    ):
        table.add_column(column, justify="right")
    table.add_column("slowest operation (p50)")
    table.add_column("not ready")
    for name, page in result["pages"].items():
        operations = page["operations"]
        slowest = max(operations.items(), key=lambda item: item[1]["median"], default=None)
        failed = {state: n for state, n in page["states"].items() if state != "ready"}
        table.add_row(
            name,
            _ms(page["content_ms"], "median"),
            _ms(page["rendered_ms"], "median"),
            _ms(page["rendered_ms"], "p95"),
            _ms(page["graphql_ms"], "median"),
            _ms(page["graphql_ms"], "p95"),
            _ms(page["engine_ms"], "median"),
            _ms(page["graphql_requests"], "median"),
            f"{slowest[0]} {slowest[1]['median']:.0f}" if slowest else "-",
            ", ".join(f"{state}: {n}" for state, n in failed.items()) or "-",
        )
    console.print(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.pages", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--url", required=True, help="base URL of a running cxgraph server")
    parser.add_argument("--api-key", help="an API key with the reader role (default: none)")
    parser.add_argument("--samples", type=int, default=10, help="visits per kind of page")
    parser.add_argument("--items", type=int, default=ITEMS, help="random items per kind")
    parser.add_argument("--json", type=Path, help="also write the result to this JSON file")
    args = parser.parse_args(argv)
    try:
        result = measure_pages(
            args.url.rstrip("/"), samples=args.samples, api_key=args.api_key, items=args.items
        )
    except ChromiumMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    console = Console()
    print_pages(result, console if console.is_terminal else Console(width=160))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
