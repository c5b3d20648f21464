"""The graph store on a real Neo4j 5 server, compared with the embedded engine.

Runs only when NEO4J_URI is set (e.g. `neo4j://localhost:7687` with `docker compose up
neo4j`), logging in with NEO4J_USER (or NEO4J_USERNAME, default `neo4j`) and NEO4J_PASSWORD.
The database is NEO4J_TEST_DATABASE, else NEO4J_DATABASE, else `neo4j`.

These tests write: they create the schema's constraints and MERGE the demo company into
that database. They never delete anything (no named query clears a graph), so they only
write into a database that is empty or already holds the demo company, and skip otherwise.
Point NEO4J_TEST_DATABASE at a throwaway database (or clear the graph) to run them.

Only named queries of the registry run here; no Cypher is written in tests.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from loaders import pipeline
from loaders.export import export_json
from loaders.pipeline import DEMO_DIR, LoadReport, Source, demo_sources, load, read_sources
from loaders.records import LoadProblem, NodeRecord
from ontology.model import load_schema
from queries.ddl import neo4j_statements
from queries.errors import EngineUnavailable, QueryError
from queries.generated import node_query
from queries.neo4j_store import Neo4jStore
from queries.store import GraphStore, Row

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        not os.environ.get("NEO4J_URI"),
        reason="NEO4J_URI is not set: no Neo4j 5 server to test against "
        "(e.g. `docker compose up neo4j` and NEO4J_URI=neo4j://localhost:7687)",
    ),
]

PAIN_POINTS = ["pp-switch-hidden-fees", "pp-switch-sim-missing", "pp-bb-line-not-ready"]
"""Demo pain points whose affecting teams come through owners, processes and systems."""

PROVENANCE_KEYS = frozenset({"source", "loadRun"})
"""Properties every loader writes that differ between two loads of the same data."""

READ_PROBE_TEAM = "team-cxgraph-test-read-probe"
"""A Team id that no source uses: a write routed as a read must not create it."""


@dataclass(frozen=True)
class Server:
    """Where the Neo4j server under test is, read from the environment."""

    uri: str
    user: str
    password: str
    database: str


def server() -> Server:
    """The Neo4j server named by the environment (only called when NEO4J_URI is set)."""
    return Server(
        uri=os.environ["NEO4J_URI"],
        user=os.environ.get("NEO4J_USER") or os.environ.get("NEO4J_USERNAME") or "neo4j",
        password=os.environ.get("NEO4J_PASSWORD", ""),
        database=(
            os.environ.get("NEO4J_TEST_DATABASE") or os.environ.get("NEO4J_DATABASE") or "neo4j"
        ),
    )


def demo_ids() -> dict[str, list[str]]:
    """The ids of every node of the demo company by label, read from its source files."""
    by_label: dict[str, set[str]] = {}
    for _, item in read_sources(demo_sources(), load_schema()):
        assert not isinstance(item, LoadProblem), item
        if isinstance(item, NodeRecord):
            by_label.setdefault(item.label, set()).add(item.id)
    return {label: sorted(ids) for label, ids in sorted(by_label.items())}


def stable(value: Any) -> Any:
    """`value` without the provenance keys of the maps in it (at any depth)."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in PROVENANCE_KEYS}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def canonical(rows: list[Row]) -> list[Row]:
    """Rows without provenance, in a fixed order (for comparing rows whose order is a tie)."""
    return sorted((stable(row) for row in rows), key=lambda row: json.dumps(row, sort_keys=True))


async def read_nodes(store: GraphStore, label: str, ids: list[str]) -> list[dict[str, Any]]:
    """The `node` maps of `label` with `ids`, without provenance, sorted by id."""
    rows = await store.read(node_query("get", label), {"ids": ids})
    return sorted((stable(row["node"]) for row in rows), key=lambda node: str(node["id"]))


@pytest.fixture(scope="module")
async def neo4j_store() -> AsyncIterator[Neo4jStore]:
    """An open store on the server under test; nothing written yet."""
    where = server()
    store = await Neo4jStore.open(where.uri, where.user, where.password, where.database)
    yield store
    await store.close()


@pytest.fixture(scope="module")
async def writable_store(neo4j_store: Neo4jStore) -> Neo4jStore:
    """The store, once its database is known to be empty or to hold only the demo company
    (as far as its team ids tell); skips the test otherwise rather than write into it."""
    (row,) = await neo4j_store.read("graph/is_empty")
    if not row["empty"]:
        teams = demo_ids()["Team"]
        found = await read_nodes(neo4j_store, "Team", teams)
        if [node["id"] for node in found] != teams:
            pytest.skip(
                f"database {server().database!r} holds data that is not the demo company; "
                "these tests write into it and cannot clear it: set NEO4J_TEST_DATABASE to "
                "an empty database, or use a throwaway server"
            )
    return neo4j_store


@dataclass(frozen=True)
class Loaded:
    """The store with the demo company loaded, and what the load reported."""

    store: Neo4jStore
    report: LoadReport


@pytest.fixture(scope="module")
async def demo_neo4j(writable_store: Neo4jStore) -> Loaded:
    """The demo company loaded into the server under test, as `cxgraph load demo` does."""
    await writable_store.apply_schema()
    report = await load(writable_store, demo_sources(), agent="tests")
    return Loaded(writable_store, report)


async def test_the_server_answers(neo4j_store: Neo4jStore) -> None:
    assert neo4j_store.engine == "neo4j"
    assert await neo4j_store.ping() is True
    rows = await neo4j_store.read("graph/is_empty")
    assert len(rows) == 1
    assert type(rows[0]["empty"]) is bool


async def test_a_wrong_password_is_refused_with_a_clear_error() -> None:
    where = server()
    if not where.password:
        pytest.skip("NEO4J_PASSWORD is not set (a server without authentication?)")
    with pytest.raises(EngineUnavailable, match="refused the connection"):
        await Neo4jStore.open(where.uri, where.user, where.password + "-wrong", where.database)


async def test_schema_has_one_unique_id_constraint_per_label_and_applies_once(
    writable_store: Neo4jStore,
) -> None:
    schema = load_schema()
    expected = neo4j_statements(schema)
    constrained = {ddl.split("(n:", 1)[1].split(")", 1)[0] for ddl in expected}
    assert constrained == set(schema.labels)
    assert len(expected) == len(schema.labels)
    assert all(ddl.endswith("REQUIRE n.id IS UNIQUE") for ddl in expected)

    pending = await writable_store.schema_statements()
    assert set(pending) <= set(expected)
    assert await writable_store.apply_schema() == pending
    # Every constraint now exists on the server under its name, so nothing is left to do.
    assert await writable_store.schema_statements() == []
    assert await writable_store.apply_schema() == []


async def test_the_demo_company_loads_and_every_node_is_there(demo_neo4j: Loaded) -> None:
    ids = demo_ids()
    assert {label: c.total for label, c in demo_neo4j.report.nodes.items() if c.total} == {
        label: len(label_ids) for label, label_ids in ids.items()
    }
    assert demo_neo4j.report.relationships["OCCURS_AT"].total > 0
    assert demo_neo4j.report.relationships["EVIDENCES"].total > 0
    for label, label_ids in ids.items():
        found = await read_nodes(demo_neo4j.store, label, label_ids)
        assert [node["id"] for node in found] == label_ids, label
    (row,) = await demo_neo4j.store.read("graph/is_empty")
    assert row["empty"] is False


@pytest.mark.parametrize("pain_point", PAIN_POINTS)
async def test_affecting_teams_are_the_same_as_on_the_embedded_engine(
    demo_neo4j: Loaded, demo_store: GraphStore, pain_point: str
) -> None:
    params = {"ids": [pain_point]}
    on_neo4j = await demo_neo4j.store.read("painpoint/affecting_teams", params)
    embedded = await demo_store.read("painpoint/affecting_teams", params)
    assert embedded, f"no affecting teams for {pain_point} on the embedded engine"

    def order(rows: list[Row]) -> list[tuple[Any, ...]]:
        """The keys the query orders by: their sequence is defined, ties are not."""
        return [
            (row["layer"], row["team"]["id"], row["role"], row["via"]["id"], len(row["path"]))
            for row in rows
        ]

    assert order(on_neo4j) == order(embedded)
    assert canonical(on_neo4j) == canonical(embedded)


async def test_team_nodes_are_the_same_as_on_the_embedded_engine(
    demo_neo4j: Loaded, demo_store: GraphStore
) -> None:
    teams = demo_ids()["Team"]
    on_neo4j = await read_nodes(demo_neo4j.store, "Team", teams)
    embedded = await read_nodes(demo_store, "Team", teams)
    assert len(embedded) == len(teams)
    assert on_neo4j == embedded


async def test_a_write_query_sent_as_a_read_is_refused(writable_store: Neo4jStore) -> None:
    rows = [{"id": READ_PROBE_TEAM, "props": {"name": "Read probe", "kind": "team"}}]
    with pytest.raises(QueryError, match=node_query("upsert", "Team")):
        await writable_store.read(node_query("upsert", "Team"), {"rows": rows})
    assert await writable_store.read(node_query("get", "Team"), {"ids": [READ_PROBE_TEAM]}) == []


async def test_a_load_in_steps_lands_whole_or_not_at_all(
    demo_neo4j: Loaded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A load too large for one Neo4j transaction goes in steps (queries/journal.py), each
    # committed after its undo step: the same guarantees, checked on the server.
    store = demo_neo4j.store
    teams = tmp_path / "teams.csv"  # the demo's source, teams:teams.csv, renamed and grown
    original = (DEMO_DIR / "teams.csv").read_text(encoding="utf-8")
    teams.write_text(
        original.replace("Web & CMS", "Web Platform") + "team-lab,Innovation Lab,team,,\n",
        encoding="utf-8",
    )
    before = await dump_text(store, tmp_path / "before.jsonl")

    async def fail(*_: Any) -> None:
        raise RuntimeError("the load failed at its very end")

    store.in_steps = True
    try:
        with monkeypatch.context() as patched:
            patched.setattr(pipeline, "_write_run", fail)
            with pytest.raises(RuntimeError, match="very end"):
                await load(store, [Source("teams", teams)])
        assert await dump_text(store, tmp_path / "failed.jsonl") == before
        report = await load(store, [Source("teams", teams)])
        assert (report.nodes["Team"].created, report.nodes["Team"].updated) == (1, 1)
        for label in ("UnitOfWork", "UndoStep"):
            assert (await store.read(node_query("count", label)))[0]["count"] == 0
    finally:
        teams.write_text(original, encoding="utf-8")
        await load(store, [Source("teams", teams)], prune=True)  # the demo company again
        store.in_steps = False
    assert await dump_text(store, tmp_path / "after.jsonl") != before  # load runs recorded
    (web,) = await store.read(node_query("get", "Team"), {"ids": ["team-web"]})
    assert web["node"]["name"] == "Web & CMS"
    assert await store.read(node_query("get", "Team"), {"ids": ["team-lab"]}) == []


async def dump_text(store: GraphStore, path: Path) -> bytes:
    await export_json(store, path)
    return path.read_bytes()
