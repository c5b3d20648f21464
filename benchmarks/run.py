"""The benchmark run: generate, load, then query the reference enterprise.

Every section returns plain data for the JSON report; `print_report` shows it as tables.
Numbers are measured and reported, never asserted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractAsyncContextManager
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
from benchmarks.pages import measure_pages, print_pages
from benchmarks.reference import engine_reference
from loaders.generate import generate
from queries.connect import store_session
from queries.embedded import EmbeddedEngine
from queries.falkor import FalkorStore
from queries.generated import node_query
from queries.registry import get_query
from queries.settings import StoreSettings
from queries.store import GraphStore

GRAPH = "bench"
REFERENCE_GRAPH = "bench-reference"
STEPS_GRAPH = "bench-steps"
"""Scratch graph of the first load in steps, deleted after it."""


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

GLOBAL_SAMPLES = 10
"""Requests per question about the whole graph (they are much slower than the others)."""

SPAWN_SECONDS = 3.0
"""Time given to the client processes of a concurrency step to start."""

REUSED_SAMPLES = 100
"""Items per question asked twice with answers kept (the first ask computes the answer)."""


@dataclass(frozen=True)
class Config:
    """What to measure, and how much."""

    scale: float = 1.0
    seed: int = 1
    samples: int = 200
    """Requests per question for latency, engine alone and through the API."""
    clients: tuple[int, ...] = (1, 8, 32)
    concurrency_seconds: float = 10.0
    round_trip_sizes: tuple[int, ...] = (1, 10, 50)
    work_dir: Path | None = None
    data_dir: Path | None = None
    """An engine data directory whose graph `bench` is loaded already: no generate or load."""
    page_samples: int = 6
    """Visits of each kind of page in headless Chromium (0: no pages)."""
    neo4j: bool = False
    """Also load and measure on the Neo4j server of NEO4J_URI, side by side."""
    neo4j_database: str | None = None
    """The (empty) Neo4j database to load; default: NEO4J_DATABASE, else `neo4j`."""


@dataclass
class Report:
    """Everything one run measured."""

    config: dict[str, Any]
    machine: dict[str, Any]
    started: str
    sections: dict[str, Any] = field(default_factory=dict)
    """The embedded engine's measurements."""
    neo4j: dict[str, Any] | None = None
    """The same measurements on Neo4j, when asked for."""
    seconds: float = 0.0
    """Wall time of the whole run."""


def run(config: Config) -> Report:
    """Measure everything; the returned report is also what `--json` writes.

    The embedded engine is always measured (`sections`); with `config.neo4j`, the same
    enterprise is loaded into Neo4j and measured the same way (`neo4j`), side by side.
    """
    report = Report(
        config={k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
        machine=machine(),
        started=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    started = time.perf_counter()
    neo4j = None
    if config.neo4j:  # checked first: a wrong setting fails now, not after the embedded run
        settings = StoreSettings(engine="neo4j")
        if config.neo4j_database:
            settings = settings.model_copy(update={"neo4j_database": config.neo4j_database})
        neo4j = Target("neo4j", {"CXGRAPH_NEO4J_DATABASE": settings.neo4j_database}, settings)
        asyncio.run(_refuse_a_graph_in_use(neo4j))
    with tempfile.TemporaryDirectory(prefix="cxb-", dir=config.work_dir or "/tmp") as tmp:
        work = Path(tmp)
        data_dir = config.data_dir or work / "engine"
        files = work / "enterprise"
        if config.data_dir is None or config.neo4j:
            report.sections["generate"] = _generate(files, config)
        embedded = Target(
            "falkordb",
            {"CXGRAPH_DATA_DIR": str(data_dir), "CXGRAPH_GRAPH": GRAPH},
            StoreSettings(_env_file=None, engine="falkordb", data_dir=data_dir, graph=GRAPH),
            data_dir,
        )
        engine = EmbeddedEngine(data_dir)
        engine.start()  # kept up for the whole run: every process below reuses it
        try:
            report.sections.update(
                _measure(embedded, None if config.data_dir else files, work, config)
            )
        finally:
            engine.stop()
        if neo4j is not None:
            report.neo4j = _measure(neo4j, files, work, config)
    report.seconds = round(time.perf_counter() - started, 1)
    return report


@dataclass(frozen=True)
class Target:
    """An engine to measure: the environment of the cxgraph processes using it (with the
    process environment beneath), and the settings of the benchmark's own store."""

    engine: str
    env: dict[str, str]
    settings: StoreSettings
    data_dir: Path | None = None
    """The embedded engine's data directory (its memory is measured); None for Neo4j."""

    def process_env(self) -> dict[str, str]:
        # the API refuses to start without any authentication
        return {"CXGRAPH_ENGINE": self.engine, "CXGRAPH_ANONYMOUS_ROLE": "reader", **self.env}

    def store(self) -> AbstractAsyncContextManager[GraphStore]:
        return store_session(self.settings)


async def _refuse_a_graph_in_use(target: Target) -> None:
    async with target.store() as store:
        (row,) = await store.read("graph/is_empty")
    if not row["empty"]:
        raise RuntimeError(
            f"the Neo4j database {target.settings.neo4j_database!r} holds a graph already; the "
            "benchmarks load the reference enterprise into an empty one (set NEO4J_DATABASE "
            "to a database of their own, or empty this one)"
        )


def _measure(target: Target, files: Path | None, work: Path, config: Config) -> dict[str, Any]:
    """Load `files` (unless None: the graph is loaded already), then measure the questions
    on `target`."""
    sections: dict[str, Any] = {}
    env = target.process_env()
    if files is not None:
        if target.data_dir is not None:  # the engine alone, the same hour, for comparison
            sections["engine_reference"] = asyncio.run(_engine_reference(target, config))
        sections["load"] = _load(files, env, target, sections.get("engine_reference"))
    log = work / f"api-{target.engine}.log"
    # every answer computed: what GraphQL over HTTP adds to the engine's work
    with api_server({**env, "CXGRAPH_ANSWER_CACHE_MB": "0"}, log) as (url, api_pid):
        sections["queries"] = asyncio.run(_queries(url, target, config))
        sections["round_trips"] = _round_trips(url, target, config)
        sections["concurrency"] = asyncio.run(_concurrency(url, target, config))
        sections["memory"] = {
            "engine_mb": rss_mb(engine_pid(target.data_dir)) if target.data_dir else None,
            "api_mb": rss_mb(api_pid),
        }
        if config.page_samples and target.data_dir is not None:
            # the pages as a first visitor sees them: every answer computed
            sections["pages"] = measure_pages(url, samples=config.page_samples)
    # as served by default: answers kept until the graph changes (embedded engine only)
    if target.data_dir is not None:
        with api_server(env, log) as (url, api_pid):
            sections["reused"] = asyncio.run(_reused(url, target, config))
    return sections


async def _engine_reference(target: Target, config: Config) -> dict[str, Any]:
    settings = target.settings.model_copy(update={"graph": REFERENCE_GRAPH})
    async with store_session(settings) as store:
        return await engine_reference(store, config.scale, config.seed)


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


TARGET_NODES_PER_S = 50_000
TARGET_RELS_PER_S = 75_000
"""The loader's throughput target: a load of N nodes and R relationships should take at
most N / 50k + R / 75k seconds (nodes and relationships are read, compared and written
together, so each has no time of its own)."""


def _load(
    files: Path, env: dict[str, str], target: Target, reference: dict[str, Any] | None
) -> dict[str, Any]:
    """Load `files` twice (the second time unchanged); with the engine's `reference` speed,
    what writing as many nodes and relationships with MERGE alone would take it. On the
    embedded engine, also a first load in steps (queries/journal.py) into a scratch graph."""
    command = [sys.executable, "-m", "loaders.cli", "load", "all", str(files), "--json"]
    runs: dict[str, Any] = {
        name: _measured_load(command, env, reference) for name in ("first", "again")
    }
    runs["engine_mb_after_load"] = rss_mb(engine_pid(target.data_dir)) if target.data_dir else None
    if target.data_dir is not None:
        steps = {**env, "CXGRAPH_GRAPH": STEPS_GRAPH, "CXGRAPH_LOAD_IN_STEPS": "true"}
        try:
            runs["first_in_steps"] = _measured_load(command, steps, reference)
        finally:
            asyncio.run(_drop(target, STEPS_GRAPH))
    return runs


def _measured_load(
    command: list[str], env: dict[str, str], reference: dict[str, Any] | None
) -> dict[str, Any]:
    """Run one load command: its times, its target time, its counts and its peak memory."""
    output, wall, peak = run_measured(command, env)
    summary = json.loads(output)
    nodes = sum(c["total"] for c in summary["nodes"].values())
    rels = sum(c["total"] for c in summary["relationships"].values())
    phases = summary["seconds"]
    return {
        "wall_s": round(wall, 2),
        "load_s": round(sum(phases.values()), 2),
        "phases_s": phases,
        "target_s": round(nodes / TARGET_NODES_PER_S + rels / TARGET_RELS_PER_S, 2),
        "engine_merge_s": None
        if reference is None
        else round(
            nodes / reference["per_s"]["nodes"] + rels / reference["per_s"]["relationships"],
            2,
        ),
        "nodes": nodes,
        "relationships": rels,
        "rows_per_s_end_to_end": round((nodes + rels) / wall),
        "totals": summary["totals"],
        "loader_peak_mb": peak,
    }


async def _drop(target: Target, graph: str) -> None:
    """Delete a scratch graph of the embedded engine."""
    settings = target.settings.model_copy(update={"graph": graph})
    async with store_session(settings) as store:
        assert isinstance(store, FalkorStore)
        await store.drop()


async def _sample_ids(store: GraphStore, label: str) -> list[str]:
    rows = await store.read(node_query("sample", label), {"limit": 1000})
    return [row["id"] for row in rows]


async def _ids(target: Target) -> dict[str, list[str]]:
    """Ids of up to 1000 items of each label the questions are asked about."""
    async with target.store() as store:
        return {c.label: await _sample_ids(store, c.label) for c in CASES if c.label is not None}


async def _queries(url: str, target: Target, config: Config) -> dict[str, Any]:
    results = {}
    async with target.store() as store, httpx.AsyncClient(base_url=url, timeout=120) as client:
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
    return results


async def _reused(url: str, target: Target, config: Config) -> dict[str, Any]:
    """Each question asked twice with answers kept (the default): the first ask computes the
    answer, the second is answered from the kept ones; then concurrent clients asking which
    teams affect pain points whose answers are kept."""
    ids = await _ids(target)
    questions: dict[str, Any] = {}
    warmed: dict[str, list[str]] = {}
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        for case in CASES:
            if case.label is None:
                picks: list[str | None] = [None] * min(config.samples, GLOBAL_SAMPLES)
            else:
                distinct = ids[case.label][: min(config.samples, REUSED_SAMPLES)]
                warmed.setdefault(case.label, distinct)
                picks = list(distinct)
            first: list[float] = []
            again: list[float] = []
            reused = 0
            for attempt in (first, again):
                for pick in picks:
                    variables = {} if pick is None else {"id": pick}
                    started = time.perf_counter()
                    response = await client.post(
                        "/graphql", json={"query": case.graphql, "variables": variables}
                    )
                    attempt.append((time.perf_counter() - started) * 1000)
                    body = response.raise_for_status().json()
                    if "errors" in body:
                        raise RuntimeError(f"{case.name}: {body['errors']}")
                    if attempt is again:
                        reused += bool(body["extensions"]["engine"].get("cached"))
            questions[case.name] = {
                "first_ms": percentiles(first),
                "again_ms": percentiles(again),
                "reused_share": round(reused / len(picks), 3),
            }
    single = [case for case in CASES if case.query == "painpoint/affecting_teams"]
    concurrency = {
        f"affecting teams, {clients}": await _concurrency_step(url, warmed, single, clients, config)
        for clients in config.clients
    }
    return {"questions": questions, "concurrency": concurrency}


def _round_trips(url: str, target: Target, config: Config) -> dict[str, Any]:
    pain_points = asyncio.run(_ids(target))["PainPoint"]
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


async def _concurrency(url: str, target: Target, config: Config) -> dict[str, Any]:
    ids = await _ids(target)
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
    """`clients` concurrent clients asking random questions of `cases` for a fixed time.

    The clients are spread over one process per core: one Python process cannot send more
    than a few hundred requests a second, fewer the more connections it juggles, and would
    measure itself rather than the server.
    """
    processes = max(1, min(clients, os.cpu_count() or 1))
    shares = [range(n, clients, processes) for n in range(processes)]
    # the processes start together once all of them are up (the clock is the system's)
    start_at = time.perf_counter() + SPAWN_SECONDS
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [
            pool.submit(_clients, url, ids, cases, list(numbers), config, start_at)
            for numbers in shares
        ]
        results = [future.result() for future in futures]
    latencies = [ms for share, _, _ in results for ms in share]
    return {
        "requests": len(latencies),
        "requests_per_s": round(sum(len(share) / seconds for share, _, seconds in results), 1),
        "errors": sum(errors for _, errors, _ in results),
        "client_processes": processes,
        "latency_ms": percentiles(latencies),
    }


def _clients(
    url: str,
    ids: dict[str, list[str]],
    cases: list[Case],
    numbers: list[int],
    config: Config,
    start_at: float,
) -> tuple[list[float], int, float]:
    """Run the clients `numbers` (in a process of their own) from `start_at` for the step's
    time; their latencies (ms), errors and the seconds they ran."""
    time.sleep(max(0.0, start_at - time.perf_counter()))
    began = time.perf_counter()
    latencies, errors = asyncio.run(_run_clients(url, ids, cases, numbers, config, began))
    return latencies, errors, time.perf_counter() - began


async def _run_clients(
    url: str,
    ids: dict[str, list[str]],
    cases: list[Case],
    numbers: list[int],
    config: Config,
    began: float,
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = began + config.concurrency_seconds

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

    limits = httpx.Limits(max_connections=len(numbers), max_keepalive_connections=len(numbers))
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        await asyncio.gather(*(worker(n, client) for n in numbers))
    return latencies, errors


def print_report(report: Report, console: Console) -> None:
    """The report as readable tables."""
    m = report.machine
    console.print(
        f"[bold]cxgraph benchmarks[/] — scale {report.config['scale']}, seed "
        f"{report.config['seed']}, {report.started}\n{m['cpu']} ({m['cores']} cores, "
        f"{m['memory_gib']} GiB), Python {m['python']}, commit {m['commit'] or '?'}; the run "
        f"took {report.seconds / 60:.1f} minutes"
    )
    sections = report.sections
    if "generate" in sections:
        gen = sections["generate"]
        console.print(f"generated {gen['megabytes']} MB of source files in {gen['seconds']} s")

    load = Table(
        title="Load (embedded engine, `cxgraph load all`; target s = nodes / 50k + rels / 75k)"
    )
    columns = ("run", "nodes", "rels", "wall s", "load s", "write s", "derive s", "finish s",
               "target s", "engine MERGE s", "rows/s e2e", "peak MB")  # fmt: skip
    for column in columns:
        load.add_column(column, justify="right")
    for name in ("first", "again", "first_in_steps") if "load" in sections else ():
        if name not in sections["load"]:
            continue
        r = sections["load"][name]
        phases = r["phases_s"]
        load.add_row(
            name, str(r["nodes"]), str(r["relationships"]), str(r["wall_s"]), str(r["load_s"]),
            str(phases["write"]), str(phases.get("derive", 0.0)), str(phases["finish"]),
            str(r["target_s"]), str(r.get("engine_merge_s") or "-"),
            str(r["rows_per_s_end_to_end"]), str(r["loader_peak_mb"]),
        )  # fmt: skip
    if "load" in sections:
        console.print(load)
    if "engine_reference" in sections:
        ref = sections["engine_reference"]
        console.print(
            f"the engine alone, the same hour ({ref['query']}; {ref['nodes']} nodes, "
            f"{ref['relationships']} relationships): {ref['per_s']['nodes']} nodes/s and "
            f"{ref['per_s']['relationships']} relationships/s as the client sees them, "
            f"{ref['engine_per_s']['nodes']} and {ref['engine_per_s']['relationships']} by the "
            "engine's own time; engine MERGE s: what it would take to write the load so"
        )

    console.print(
        _ms_table(
            "Cross-silo questions: engine alone vs GraphQL over HTTP, every answer computed (ms)",
            ("engine p50", "store p50", "store p99", "API p50", "API p99", "API engine p50",
             "API/engine"),
            {
                name: (
                    q["engine_ms"]["median"], q["store_ms"]["median"], q["store_ms"]["p99"],
                    q["api_ms"]["median"], q["api_ms"]["p99"], q["api_engine_ms"]["median"],
                    q["api_over_engine"],
                )
                for name, q in sections["queries"].items()
            },
        )
    )  # fmt: skip

    console.print(
        _concurrency_table(
            "Concurrency, every answer computed (one uvicorn process)", sections["concurrency"]
        )
    )

    if "reused" in sections:
        kept = sections["reused"]["questions"]
        console.print(
            _ms_table(
                "Answers kept until the graph changes (the default): the same question asked "
                "again (ms; reused: share of answers sent again without the engine)",
                ("first p50", "first p99", "again p50", "again p99", "reused %"),
                {
                    name: (
                        q["first_ms"]["median"], q["first_ms"]["p99"], q["again_ms"]["median"],
                        q["again_ms"]["p99"], 100 * q["reused_share"],
                    )
                    for name, q in kept.items()
                },
            )
        )  # fmt: skip
        console.print(
            _concurrency_table(
                "Concurrency with answers kept (one uvicorn process)",
                sections["reused"]["concurrency"],
            )
        )

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
    if "pages" in sections:
        print_pages(sections["pages"], console)
    _side_by_side(report, console)


def _ms_table(title: str, columns: tuple[str, ...], rows: dict[str, tuple[float, ...]]) -> Table:
    """A table of one row of numbers per question."""
    table = Table(title=title)
    table.add_column("query", no_wrap=True)
    for column in columns:
        table.add_column(column, justify="right")
    for name, values in rows.items():
        table.add_row(name, *(f"{value:.1f}" for value in values))
    return table


def _concurrency_table(title: str, steps: dict[str, Any]) -> Table:
    table = Table(title=title)
    for column in (
        "questions, clients",
        "client processes",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
    ):
        table.add_column(column, justify="right")
    for clients, c in steps.items():
        table.add_row(
            clients, str(c["client_processes"]), str(c["requests"]), str(c["requests_per_s"]),
            str(c["latency_ms"]["median"]), str(c["latency_ms"]["p99"]), str(c["errors"]),
        )  # fmt: skip
    return table


def _side_by_side(report: Report, console: Console) -> None:
    """The embedded engine and Neo4j on the same enterprise: load and questions."""
    if report.neo4j is None:
        return
    ours, theirs = report.sections, report.neo4j
    load = Table(title="Embedded engine vs Neo4j: load (s)")
    for column in ("run", "embedded wall", "Neo4j wall", "embedded nodes/s", "Neo4j nodes/s"):
        load.add_column(column, justify="right")
    for name in ("first", "again"):
        if name in ours.get("load", {}) and name in theirs.get("load", {}):
            a, b = ours["load"][name], theirs["load"][name]
            load.add_row(
                name, str(a["wall_s"]), str(b["wall_s"]), str(a["nodes_per_s"]),
                str(b["nodes_per_s"]),
            )  # fmt: skip
    console.print(load)
    console.print(
        _ms_table(
            "Embedded engine vs Neo4j: questions, every answer computed (ms)",
            ("embedded engine p50", "Neo4j engine p50", "embedded API p50", "Neo4j API p50"),
            {
                name: (
                    q["engine_ms"]["median"], theirs["queries"][name]["engine_ms"]["median"],
                    q["api_ms"]["median"], theirs["queries"][name]["api_ms"]["median"],
                )
                for name, q in ours["queries"].items()
            },
        )
    )  # fmt: skip
    conc = Table(title="Embedded engine vs Neo4j: concurrency, every answer computed (req/s)")
    for column in ("questions, clients", "embedded", "Neo4j", "Neo4j errors"):
        conc.add_column(column, justify="right")
    for step, c in ours["concurrency"].items():
        n = theirs["concurrency"][step]
        conc.add_row(step, str(c["requests_per_s"]), str(n["requests_per_s"]), str(n["errors"]))
    console.print(conc)


def write_json(report: Report, path: Path) -> None:
    """Write the report as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
