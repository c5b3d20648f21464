"""The benchmark run: generate, load, then query the reference enterprise.

Every section returns plain data for the JSON report; `print_report` shows it as tables.
Numbers are measured and reported, never asserted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from benchmarks.harness import (
    api_server,
    engine_pid,
    machine,
    percentiles,
    rss_mb,
    run_measured,
)
from loaders.generate import generate
from queries.embedded import EmbeddedEngine
from queries.falkor import FalkorStore
from queries.generated import node_query
from queries.registry import get_query

GRAPH = "bench"


@dataclass(frozen=True)
class Case:
    """One cross-silo question: its named query and the same question through GraphQL."""

    query: str
    graphql: str
    """GraphQL document; with `label`, it has one `$id` variable."""
    label: str | None = None
    """Label whose ids the question is asked about; None for a question about the graph."""
    params: dict[str, Any] = field(default_factory=dict)
    """Parameters of the named query besides `$ids`."""

    @property
    def name(self) -> str:
        return self.query


CASES = [
    Case(
        "painpoint/affecting_teams",
        "query($id: ID!) { painPoint(id: $id) { affectingTeams { team { id name } role layer "
        "path rollUp { id } } } }",
        "PainPoint",
    ),
    Case(
        "painpoint/personas",
        "query($id: ID!) { painPoint(id: $id) { personasHit { persona { id name } mapped "
        "customers stages { id } } } }",
        "PainPoint",
    ),
    Case(
        "painpoint/opportunities",
        "query($id: ID!) { painPoint(id: $id) { initiatives { opportunity { id status } "
        "owners { id } addresses { id } } } }",
        "PainPoint",
    ),
    Case(
        "team/affected",
        "query($id: ID!) { team(id: $id) { affects(first: 100) { totalCount nodes { "
        "unit { id name } role layer via { id } painPoint { id name } touchpoint { id } "
        "journey { id } customers } } } }",
        "Team",
    ),
    Case(
        "team/impact",
        "query($id: ID!) { team(id: $id) { impact { touchpoints painPoints customers "
        "journeys { id } } } }",
        "Team",
    ),
    Case(
        "team/rollup",
        "query($id: ID!) { team(id: $id) { rollUp { unit { id name } level members "
        "totalMembers leaders { id } } } }",
        "Team",
    ),
    Case(
        "system/blast_radius",
        "query($id: ID!) { system(id: $id) { blastRadius(first: 100) { totalCount nodes { "
        "touchpoint { id name } journey { id } personas { id } depth customers path { id } } } } }",
        "System",
    ),
    Case(
        "system/impact",
        "query($id: ID!) { system(id: $id) { impact { touchpoints painPoints customers "
        "dependents { depth system { id } } journeys { id } personas { id } } } }",
        "System",
    ),
    Case(
        "journey/blueprint",
        "query($id: ID!) { journey(id: $id) { blueprint { stage { id name } "
        "touchpoint { id name } owners { id } frontstage { process { id } owners { id } } "
        "backstage { process { id } } support { process { id } } systems { system { id } } "
        "painPoints { id severity } measurements { metric phase value } } } }",
        "Journey",
    ),
    Case(
        "journey/emotion_curve",
        "query($id: ID!) { journey(id: $id) { emotionCurve { stage { id name } before during "
        "after csat nps ces } } }",
        "Journey",
    ),
    Case(
        "touchpoint/handoffs",
        "query($id: ID!) { touchpoint(id: $id) { behind { process { id } owners { id } "
        "performers { id } handsOffTo { id } } } }",
        "Touchpoint",
    ),
    Case(
        "gaps/ownership",
        "{ ownershipGaps { label layer painPoints item { id } journeys { id } } }",
    ),
    Case(
        "handoffs/list",
        "{ handoffs { teamCount painPoints touchpoint { id } teams { id } } }",
        params={"minTeams": 2},
    ),
    Case(
        "painpoint/ranking",
        "{ painPointRanking(first: 20) { painPoint { id name } customers severity teams } }",
        params={"by": "customers", "limit": 20},
    ),
    Case(
        "painpoint/without_opportunity",
        "{ painPointsWithoutOpportunity(minSeverity: 4) { painPoint { id name } customers } }",
        params={"minSeverity": 4},
    ),
    Case(
        "freshness/stale",
        '{ staleItems(since: "2026-01-01") { label reason item { id } owner { id } } }',
        params={"since": "2026-01-01"},
    ),
]
"""Every cross-silo question; the concurrency mix uses those about one item."""

GLOBAL_SAMPLES = 20
"""Requests per question about the whole graph (they are much slower than the others)."""


@dataclass(frozen=True)
class Config:
    """What to measure, and how much."""

    scale: float = 1.0
    seed: int = 1
    samples: int = 300
    """Requests per question for latency, engine alone and through the API."""
    clients: tuple[int, ...] = (1, 8, 32)
    concurrency_seconds: float = 10.0
    round_trip_sizes: tuple[int, ...] = (1, 10, 50)
    work_dir: Path | None = None
    data_dir: Path | None = None
    """An engine data directory whose graph `bench` is loaded already: no generate or load."""


@dataclass
class Report:
    """Everything one run measured."""

    config: dict[str, Any]
    machine: dict[str, Any]
    started: str
    sections: dict[str, Any] = field(default_factory=dict)


def run(config: Config) -> Report:
    """Measure everything; the returned report is also what `--json` writes."""
    report = Report(
        config={k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
        machine=machine(),
        started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    with tempfile.TemporaryDirectory(prefix="cxb-", dir=config.work_dir or "/tmp") as tmp:
        work = Path(tmp)
        data_dir = config.data_dir or work / "engine"
        files = work / "enterprise"
        if config.data_dir is None:
            report.sections["generate"] = _generate(files, config)
        env = {
            "CXGRAPH_DATA_DIR": str(data_dir),
            "CXGRAPH_GRAPH": GRAPH,
            "CXGRAPH_ENGINE": "falkordb",
            "CXGRAPH_ANONYMOUS_ROLE": "reader",  # the API refuses to start without any auth
        }
        engine = EmbeddedEngine(data_dir)
        engine.start()  # kept up for the whole run: every process below reuses it
        try:
            if config.data_dir is None:
                report.sections["load"] = _load(files, env, data_dir)
            with api_server(env, work / "api.log") as (url, api_pid):
                report.sections["queries"] = asyncio.run(_queries(url, data_dir, config))
                report.sections["round_trips"] = _round_trips(url, data_dir, config)
                report.sections["concurrency"] = asyncio.run(_concurrency(url, data_dir, config))
                report.sections["memory"] = {
                    "engine_mb": rss_mb(engine_pid(data_dir)),
                    "api_mb": rss_mb(api_pid),
                }
        finally:
            engine.stop()
    return report


def _generate(out_dir: Path, config: Config) -> dict[str, Any]:
    started = time.perf_counter()
    generated = generate(out_dir, scale=config.scale, seed=config.seed)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    return {
        "seconds": round(seconds, 2),
        "megabytes": round(size / 2**20, 1),
        "counts": generated.counts,
    }


def _load(files: Path, env: dict[str, str], data_dir: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "loaders.cli", "load", "all", str(files), "--json"]
    runs = {}
    for name in ("first", "again"):
        output, wall, peak = run_measured(command, env)
        summary = json.loads(output)
        nodes = sum(c["total"] for c in summary["nodes"].values())
        rels = sum(c["total"] for c in summary["relationships"].values())
        phases = summary["seconds"]
        runs[name] = {
            "wall_s": round(wall, 2),
            "phases_s": phases,
            "nodes": nodes,
            "relationships": rels,
            "nodes_per_s": round(nodes / phases["nodes"]) if phases["nodes"] else None,
            "relationships_per_s": round(rels / phases["relationships"])
            if phases["relationships"]
            else None,
            "rows_per_s_end_to_end": round((nodes + rels) / wall),
            "totals": summary["totals"],
            "loader_peak_mb": peak,
        }
    runs["engine_mb_after_load"] = rss_mb(engine_pid(data_dir))
    return runs


async def _sample_ids(store: FalkorStore, label: str) -> list[str]:
    rows = await store.read(node_query("sample", label), {"limit": 1000})
    return [row["id"] for row in rows]


async def _queries(url: str, data_dir: Path, config: Config) -> dict[str, Any]:
    store = await FalkorStore.open(EmbeddedEngine(data_dir), GRAPH)
    results = {}
    try:
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            for case in CASES:
                rng = random.Random(config.seed)
                if case.label is None:
                    picks: list[str | None] = [None] * min(config.samples, GLOBAL_SAMPLES)
                else:
                    ids = await _sample_ids(store, case.label)
                    picks = [rng.choice(ids) for _ in range(config.samples)]
                query = get_query(case.query)
                engine_ms, store_ms, api_ms, api_engine_ms = [], [], [], []
                for pick in picks:
                    params = case.params if pick is None else {**case.params, "ids": [pick]}
                    started = time.perf_counter()
                    result = await store.execute(query, params, write=False)
                    store_ms.append((time.perf_counter() - started) * 1000)
                    engine_ms.append(result.engine_ms)
                for pick in picks:
                    variables = {} if pick is None else {"id": pick}
                    started = time.perf_counter()
                    response = await client.post(
                        "/graphql", json={"query": case.graphql, "variables": variables}
                    )
                    api_ms.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                    body = response.json()
                    if "errors" in body:
                        raise RuntimeError(f"{case.name}: {body['errors']}")
                    api_engine_ms.append(body["extensions"]["engine"]["ms"])
                engine, through_store, api = (
                    percentiles(engine_ms),
                    percentiles(store_ms),
                    percentiles(api_ms),
                )
                results[case.name] = {
                    "engine_ms": engine,
                    "store_ms": through_store,
                    "api_ms": api,
                    "api_engine_ms": percentiles(api_engine_ms),
                    "api_over_store": round(api["median"] / through_store["median"], 2),
                    "api_over_engine": round(api["median"] / max(engine["median"], 0.001), 2),
                }
    finally:
        await store.close()
    return results


def _round_trips(url: str, data_dir: Path, config: Config) -> dict[str, Any]:
    async def ids() -> list[str]:
        store = await FalkorStore.open(EmbeddedEngine(data_dir), GRAPH)
        try:
            return await _sample_ids(store, "PainPoint")
        finally:
            await store.close()

    pain_points = asyncio.run(ids())
    sizes = {}
    for size in config.round_trip_sizes:
        chosen = pain_points[:size]
        fields = " ".join(
            f'p{n}: painPoint(id: "{pp}") {{ affectingTeams {{ team {{ id }} via {{ id }} }} }}'
            for n, pp in enumerate(chosen)
        )
        body = httpx.post(f"{url}/graphql", json={"query": f"{{ {fields} }}"}, timeout=60).json()
        sizes[str(len(chosen))] = body["extensions"]["engine"]["queries"]
    return {"painPoint.affectingTeams by number of pain points": sizes}


async def _concurrency(url: str, data_dir: Path, config: Config) -> dict[str, Any]:
    store = await FalkorStore.open(EmbeddedEngine(data_dir), GRAPH)
    try:
        ids = {
            case.label: await _sample_ids(store, case.label)
            for case in CASES
            if case.label is not None
        }
    finally:
        await store.close()
    single = [case for case in CASES if case.query == "painpoint/affecting_teams"]
    mix = [case for case in CASES if case.label is not None]
    steps: dict[str, Any] = {}
    for clients in config.clients:
        steps[f"affecting teams, {clients}"] = await _concurrency_step(
            url, ids, single, clients, config
        )
    for clients in config.clients[1:2]:
        steps[f"mix of {len(mix)}, {clients}"] = await _concurrency_step(
            url, ids, mix, clients, config
        )
    return steps


async def _concurrency_step(
    url: str, ids: dict[str, list[str]], cases: list[Case], clients: int, config: Config
) -> dict[str, Any]:
    """`clients` concurrent clients asking random questions of `cases` for a fixed time."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + config.concurrency_seconds

    async def worker(number: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        rng = random.Random(config.seed * 1000 + number)
        while time.perf_counter() < deadline:
            case = rng.choice(cases)
            assert case.label is not None
            variables = {"id": rng.choice(ids[case.label])}
            started = time.perf_counter()
            try:
                response = await client.post(
                    "/graphql", json={"query": case.graphql, "variables": variables}
                )
                ok = response.status_code == 200 and "errors" not in response.json()
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            errors += not ok

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        began = time.perf_counter()
        await asyncio.gather(*(worker(n, client) for n in range(clients)))
        elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "errors": errors,
        "latency_ms": percentiles(latencies),
    }


def print_report(report: Report, console: Console) -> None:
    """The report as readable tables."""
    m = report.machine
    console.print(
        f"[bold]cxgraph benchmarks[/] — scale {report.config['scale']}, seed "
        f"{report.config['seed']}, {report.started}\n{m['cpu']} ({m['cores']} cores, "
        f"{m['memory_gib']} GiB), Python {m['python']}, commit {m['commit'] or '?'}"
    )
    sections = report.sections
    if "generate" in sections:
        gen = sections["generate"]
        console.print(f"generated {gen['megabytes']} MB of source files in {gen['seconds']} s")

    load = Table(title="Load (embedded engine, `cxgraph load all`)")
    for column in ("run", "nodes", "rels", "wall s", "nodes/s", "rels/s", "rows/s e2e", "peak MB"):
        load.add_column(column, justify="right")
    for name in ("first", "again") if "load" in sections else ():
        r = sections["load"][name]
        load.add_row(
            name, str(r["nodes"]), str(r["relationships"]), str(r["wall_s"]),
            str(r["nodes_per_s"]), str(r["relationships_per_s"]),
            str(r["rows_per_s_end_to_end"]), str(r["loader_peak_mb"]),
        )  # fmt: skip
    if "load" in sections:
        console.print(load)

    queries = Table(title="Cross-silo questions: engine alone vs GraphQL over HTTP (ms)")
    queries.add_column("query", no_wrap=True)
    for column in (
        "engine p50",
        "store p50",
        "store p99",
        "API p50",
        "API p99",
        "API engine p50",
        "API/engine",
    ):
        queries.add_column(column, justify="right")
    for name, q in sections["queries"].items():
        queries.add_row(
            name,
            *(
                f"{value:.1f}"
                for value in (
                    q["engine_ms"]["median"],
                    q["store_ms"]["median"],
                    q["store_ms"]["p99"],
                    q["api_ms"]["median"],
                    q["api_ms"]["p99"],
                    q["api_engine_ms"]["median"],
                    q["api_over_engine"],
                )
            ),
        )
    console.print(queries)

    conc = Table(title="Concurrency (one uvicorn process)")
    for column in ("questions, clients", "requests", "req/s", "p50 ms", "p99 ms", "errors"):
        conc.add_column(column, justify="right")
    for clients, c in sections["concurrency"].items():
        conc.add_row(
            clients, str(c["requests"]), str(c["requests_per_s"]),
            str(c["latency_ms"]["median"]), str(c["latency_ms"]["p99"]), str(c["errors"]),
        )  # fmt: skip
    console.print(conc)

    for title, sizes in sections["round_trips"].items():
        pairs = ", ".join(f"{n} → {q}" for n, q in sizes.items())
        console.print(f"engine round trips, {title}: {pairs}")
    mem = sections["memory"]
    loader = (
        f"; loader peak {sections['load']['first']['loader_peak_mb']} MB"
        if "load" in sections
        else ""
    )
    console.print(
        f"memory: engine {mem['engine_mb']['rss']} MB (peak {mem['engine_mb']['peak']}), "
        f"API {mem['api_mb']['rss']} MB (peak {mem['api_mb']['peak']}){loader}"
    )


def write_json(report: Report, path: Path) -> None:
    """Write the report as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
