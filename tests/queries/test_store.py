"""The graph store on the real embedded engine: plain results, batching, idempotent upserts,
engine counters, the schema DDL, errors and round-trip statistics.

Only named queries of the registry run here; no Cypher is written in tests.
"""

from __future__ import annotations

import csv
import math
import shutil
from collections import OrderedDict
from typing import Any

import pytest
from falkordb import Edge, Node, Path

from loaders.pipeline import DEMO_DIR
from ontology.model import load_schema
from queries import falkor
from queries.ddl import falkordb_indexes
from queries.embedded import EmbeddedEngine
from queries.errors import EngineUnavailable, QueryError, UnknownQuery
from queries.falkor import FalkorStore, _literal
from queries.store import GraphStore, QueryStats, Row, plain
from tests.conftest import short_tmp_dir

PLAIN_TYPES: frozenset[type] = frozenset({str, int, float, bool, type(None), list, dict})
"""Exact types a result may hold (no subclasses: no OrderedDict, no graph objects)."""

UPSERT_TEAM = "upsert/node/Team"
TEAMS = "get/node/Team"


def value_types(value: object) -> set[type]:
    """The exact types of `value` and of everything nested in it; map keys must be str."""
    seen: set[type] = {type(value)}
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, f"map key {key!r} is a {type(key).__name__}"
            seen |= value_types(item)
    elif isinstance(value, list):
        for item in value:
            seen |= value_types(item)
    return seen


def team_rows(count: int, *, prefix: str = "team-t") -> list[dict[str, Any]]:
    """Upsert rows `{id, props}` of Team nodes with the ontology's Team properties."""
    kinds = ("division", "department", "team")
    return [
        {
            "id": f"{prefix}{i}",
            "props": {
                "name": f"Team {i}",
                "kind": kinds[i % len(kinds)],
                "verifiedAt": f"2026-09-{i + 1:02d}",
            },
        }
        for i in range(count)
    ]


def as_nodes(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Upsert rows as the `node` maps that `nodes/<Label>` returns, by id."""
    return {row["id"]: {"id": row["id"], **row["props"]} for row in rows}


async def read_nodes(store: GraphStore, query: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The nodes with `ids` by id; fails if an id matches more than one node."""
    rows = await store.read(query, {"ids": ids})
    found = [row["node"] for row in rows]
    by_id = {node["id"]: node for node in found}
    assert len(by_id) == len(found), f"duplicate ids among {sorted(n['id'] for n in found)}"
    return by_id


def demo_team_ids() -> list[str]:
    with open(DEMO_DIR / "teams.csv", encoding="utf-8", newline="") as f:
        return [row["id"] for row in csv.DictReader(f)]


# -- results are plain values ----------------------------------------------------------------


async def test_node_reads_return_plain_values(demo_store: GraphStore) -> None:
    ids = demo_team_ids()
    rows = await demo_store.read(TEAMS, {"ids": ids})
    assert sorted(row["node"]["id"] for row in rows) == sorted(ids)
    seen = value_types(rows)
    assert seen <= PLAIN_TYPES, seen
    # Every Team property (dates included) is a string: maps, lists and strings only.
    assert seen == {list, dict, str}
    exec_office = next(row["node"] for row in rows if row["node"]["id"] == "team-exec")
    assert exec_office["name"] == "Executive Office"
    assert exec_office["kind"] == "division"
    assert exec_office["verifiedAt"] == "2026-09-01"


async def test_traversal_returns_plain_values(demo_store: GraphStore) -> None:
    rows = await demo_store.read("painpoint/affecting_teams", {"ids": ["pp-switch-hidden-fees"]})
    assert rows
    seen = value_types(rows)
    assert seen <= PLAIN_TYPES, seen
    assert {dict, list, str} <= seen  # maps (team, via), lists (path, rollUp), strings
    for row in rows:
        assert set(row) == {"painPoint", "team", "role", "layer", "via", "path", "rollUp"}
        assert type(row["team"]) is dict
        assert all(type(step) is dict for step in row["path"])


# -- plain() ---------------------------------------------------------------------------------


def graph_objects() -> list[object]:
    a = Node(node_id=1, labels="Team", properties={"id": "team-a", "name": "A"})
    b = Node(node_id=2, labels="Team", properties={"id": "team-b", "name": "B"})
    edge = Edge(a, "PART_OF", b, edge_id=3, properties={})
    return [a, edge, Path([a, b], [edge])]


@pytest.mark.parametrize("value", graph_objects(), ids=["node", "edge", "path"])
def test_plain_refuses_graph_objects(value: object) -> None:
    hint = "return plain values or map projections"
    with pytest.raises(QueryError, match=hint):
        plain(value)
    # Also when nested in maps and lists, as engines return them.
    with pytest.raises(QueryError, match=hint):
        plain(OrderedDict(team=[value]))


def test_plain_converts_nested_ordered_dicts() -> None:
    value = OrderedDict(
        team=OrderedDict(id="team-a", tags=["x", OrderedDict(depth=2)]),
        rollUp=[OrderedDict(id="team-b")],
        score=1.5,
        count=3,
        ok=True,
        missing=None,
    )
    result = plain(value)
    assert result == {
        "team": {"id": "team-a", "tags": ["x", {"depth": 2}]},
        "rollUp": [{"id": "team-b"}],
        "score": 1.5,
        "count": 3,
        "ok": True,
        "missing": None,
    }
    assert value_types(result) == {dict, list, str, float, int, bool, type(None)}


# -- writes ----------------------------------------------------------------------------------


async def test_write_rows_sends_batches_and_upserts_idempotently(
    empty_store: FalkorStore,
) -> None:
    rows = team_rows(5)
    ids = [row["id"] for row in rows]
    before = empty_store.stats.by_query.get(UPSERT_TEAM, 0)

    assert await empty_store.write_rows(UPSERT_TEAM, rows, batch_size=2) == 5
    assert empty_store.stats.by_query[UPSERT_TEAM] == before + 3  # 2 + 2 + 1
    assert await read_nodes(empty_store, TEAMS, ids) == as_nodes(rows)

    # The same rows again: no new node, no changed property.
    assert await empty_store.write_rows(UPSERT_TEAM, rows, batch_size=2) == 5
    assert empty_store.stats.by_query[UPSERT_TEAM] == before + 6
    assert await read_nodes(empty_store, TEAMS, ids) == as_nodes(rows)


async def test_write_rows_with_no_rows_sends_nothing(empty_store: FalkorStore) -> None:
    before = empty_store.stats.round_trips
    assert await empty_store.write_rows(UPSERT_TEAM, [], batch_size=2) == 0
    assert empty_store.stats.round_trips == before


async def test_write_returns_engine_counters(empty_store: FalkorStore) -> None:
    params = {"rows": team_rows(1)}
    first = await empty_store.write(UPSERT_TEAM, params)
    assert first.rows == []
    assert first.counters["nodes_created"] == 1
    assert first.counters["properties_set"] >= 4  # id, name, kind, verifiedAt
    assert first.engine_ms >= 0
    second = await empty_store.write(UPSERT_TEAM, params)
    assert second.counters["nodes_created"] == 0
    assert second.counters["nodes_deleted"] == 0


async def test_upsert_sets_only_the_properties_a_row_mentions(empty_store: FalkorStore) -> None:
    (row,) = team_rows(1)
    await empty_store.write(UPSERT_TEAM, {"rows": [row]})
    await empty_store.write(UPSERT_TEAM, {"rows": [{"id": row["id"], "props": {"kind": "team"}}]})
    nodes = await read_nodes(empty_store, TEAMS, [row["id"]])
    assert nodes == {row["id"]: {**as_nodes([row])[row["id"]], "kind": "team"}}


async def test_writes_sent_without_waiting_run_in_the_order_sent(
    empty_store: FalkorStore,
) -> None:
    # Write i renames the same team and creates i new ones: the name the team ends with is
    # the last one sent, and each reply counts the teams of its own write.
    (row,) = team_rows(1)
    sends = [
        await empty_store.send_write(
            UPSERT_TEAM,
            {"rows": [{**row, "props": {"name": str(i)}}, *team_rows(i, prefix=f"new-{i}-")]},
        )
        for i in range(50)
    ]
    results = [await write for write in sends]
    assert [r.counters["nodes_created"] for r in results] == [1, *range(1, 50)]
    nodes = await read_nodes(empty_store, TEAMS, [row["id"]])
    assert nodes[row["id"]]["name"] == "49"
    assert empty_store.stats.by_query[UPSERT_TEAM] == 50


async def test_a_write_the_engine_refuses_fails_alone(empty_store: FalkorStore) -> None:
    rows = team_rows(3)
    sends = [
        await empty_store.send_write(UPSERT_TEAM, {"rows": [rows[0]]}),
        await empty_store.send_write(UPSERT_TEAM, {"rows": [1]}),  # no map: the engine fails it
        await empty_store.send_write(UPSERT_TEAM, {"rows": rows[1:]}),
    ]
    assert (await sends[0]).counters["nodes_created"] == 1
    with pytest.raises(QueryError, match=f"^query {UPSERT_TEAM}: "):
        await sends[1]
    assert (await sends[2]).counters["nodes_created"] == 2
    ids = [row["id"] for row in rows]
    assert await read_nodes(empty_store, TEAMS, ids) == as_nodes(rows)
    # and the writes sent after it go on over the same connection
    assert (await (await empty_store.send_write(UPSERT_TEAM, {"rows": rows}))).counters == (
        await empty_store.write(UPSERT_TEAM, {"rows": rows})
    ).counters


# -- schema ----------------------------------------------------------------------------------


async def test_apply_schema_again_creates_nothing(empty_store: FalkorStore) -> None:
    assert await empty_store.apply_schema() == []
    assert await empty_store.schema_statements() == []


async def test_apply_schema_on_a_new_engine_creates_indexes_and_unique_constraints() -> None:
    schema = load_schema()
    path = short_tmp_dir("cxg-")
    store = await FalkorStore.open(EmbeddedEngine(path), "fresh")
    try:
        planned = await store.schema_statements()
        created = await store.apply_schema()
        assert created == [
            *falkordb_indexes(schema).values(),
            *(
                f"GRAPH.CONSTRAINT CREATE fresh UNIQUE NODE {label} PROPERTIES 1 id"
                for label in sorted(schema.labels)
            ),
        ]
        assert planned == created
        assert len(created) == 2 * len(schema.labels)

        constraints = await store._graph.list_constraints()
        by_label = {c["label"]: c for c in constraints}
        assert len(by_label) == len(constraints)
        assert set(by_label) == schema.labels
        for label, constraint in by_label.items():
            assert constraint == {
                "type": "UNIQUE",
                "label": label,
                "properties": ["id"],
                "entitytype": "NODE",
                "status": "OPERATIONAL",
            }

        assert await store.apply_schema() == []
        assert await store.schema_statements() == []
    finally:
        await store.close()
        shutil.rmtree(path, ignore_errors=True)


async def test_unique_constraint_refuses_a_second_node_with_the_same_id(
    empty_store: FalkorStore,
) -> None:
    # MERGE on id never duplicates; giving an existing node another node's id through the
    # upsert's `SET n += props` would, and the constraint refuses the whole transaction.
    rows = team_rows(2)
    await empty_store.write(UPSERT_TEAM, {"rows": rows})
    first, second = (row["id"] for row in rows)
    with pytest.raises(QueryError, match="unique constraint") as info:
        await empty_store.write(UPSERT_TEAM, {"rows": [{"id": first, "props": {"id": second}}]})
    assert UPSERT_TEAM in str(info.value)
    assert await read_nodes(empty_store, TEAMS, [first, second]) == as_nodes(rows)


# -- errors ----------------------------------------------------------------------------------


async def test_unknown_query_name(empty_store: FalkorStore) -> None:
    before = empty_store.stats.round_trips
    with pytest.raises(UnknownQuery, match="get/node/NoSuchLabel"):
        await empty_store.read("get/node/NoSuchLabel", {"ids": []})
    with pytest.raises(UnknownQuery):
        await empty_store.write("upsert/node/Department", {"rows": []})
    with pytest.raises(UnknownQuery):
        await empty_store.write_rows("upsert/node/Department", [])
    assert empty_store.stats.round_trips == before


async def test_read_of_a_write_query_is_refused_by_the_engine(empty_store: FalkorStore) -> None:
    with pytest.raises(QueryError) as info:
        await empty_store.read(UPSERT_TEAM, {"rows": []})
    assert UPSERT_TEAM in str(info.value)
    assert "read-only" in str(info.value)

    rows = team_rows(1, prefix="team-ro")
    with pytest.raises(QueryError, match=UPSERT_TEAM):
        await empty_store.read(UPSERT_TEAM, {"rows": rows})
    assert await read_nodes(empty_store, TEAMS, [rows[0]["id"]]) == {}


# -- statistics ------------------------------------------------------------------------------


def test_query_stats_count_each_round_trip() -> None:
    stats = QueryStats()
    stats.record("get/node/Team", 1.5)
    stats.record("get/node/Team", 0.5)
    stats.record(UPSERT_TEAM, 0.0)
    assert stats.round_trips == 3
    assert stats.engine_ms == pytest.approx(2.0)
    assert stats.by_query == {"get/node/Team": 2, UPSERT_TEAM: 1}


async def test_store_counts_one_round_trip_per_query(empty_store: FalkorStore) -> None:
    calls: list[str] = []
    empty_store.listeners.append(lambda name, engine_ms, wall_ms: calls.append(name))
    trips = empty_store.stats.round_trips
    by_query = dict(empty_store.stats.by_query)

    await empty_store.read(TEAMS, {"ids": []})
    await empty_store.write(UPSERT_TEAM, {"rows": team_rows(1)})
    await empty_store.write_rows(UPSERT_TEAM, team_rows(3), batch_size=2)
    await empty_store.read("graph/is_empty")

    assert empty_store.stats.round_trips == trips + 5
    assert calls == [TEAMS, UPSERT_TEAM, UPSERT_TEAM, UPSERT_TEAM, "graph/is_empty"]
    grew = {
        name: count - by_query.get(name, 0)
        for name, count in empty_store.stats.by_query.items()
        if count != by_query.get(name, 0)
    }
    assert grew == {TEAMS: 1, UPSERT_TEAM: 3, "graph/is_empty": 1}
    assert empty_store.stats.engine_ms >= 0


async def test_values_reach_the_engine_and_come_back_unchanged(empty_store: FalkorStore) -> None:
    # Parameters travel as Cypher literals on the embedded engine: every kind of text survives.
    names = [
        "quotes \" and ' inside",
        "back\\slash and \\n not a newline",
        "new\nline, tab\t, return\r",
        "accents é, snow ☃, emoji 😀",
        "bell \x07 and escape \x1b",
        "form\x0cfeed and back\x08space",
        "a backslash-u \\u0041 stays six characters",
        "",
    ]
    expected = {f"team-{i}": name for i, name in enumerate(names)}
    rows: list[Row] = [
        {"id": team, "props": {"name": name, "kind": "team", "verifiedAt": "2026-01-02"}}
        for team, name in expected.items()
    ]
    await empty_store.write_rows(UPSERT_TEAM, rows)
    found = await empty_store.read(TEAMS, {"ids": list(expected)})
    assert {row["node"]["id"]: row["node"]["name"] for row in found} == expected


def test_parameter_literals_of_every_kind() -> None:
    class Label(str):
        pass

    value = OrderedDict(
        [("plain", [1, 2.5, True, False, None, "x"]), ("two words", (Label("y"), {"n": -3}))]
    )
    assert _literal(value) == '{plain:[1,2.5,true,false,null,"x"],`two words`:["y",{n:-3}]}'
    for bad in (math.nan, math.inf, {"a`b": 1}, {"": 1}, object()):
        with pytest.raises(QueryError):
            _literal(bad)


async def test_a_copy_that_never_ends_is_reported(
    empty_store: FalkorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await empty_store.write_rows(UPSERT_TEAM, team_rows(1))
    monkeypatch.setattr(falkor, "COPY_TIMEOUT_S", 0)
    with pytest.raises(EngineUnavailable, match="did not copy graph 'test' within 0 s"):
        await empty_store.copy_to("test~staging")


async def test_a_copy_waits_for_the_log_rewrite_running_when_it_is_asked_for(
    empty_store: FalkorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's copy forks a child, and hangs for ever if another child runs then: one
    rewriting the log, say. A copy asked for during a rewrite waits for its end."""
    await empty_store.write_rows(UPSERT_TEAM, team_rows(2_000))
    monkeypatch.setattr(falkor, "COPY_TIMEOUT_S", 30)
    connection = empty_store._client.connection
    for _ in range(3):
        await connection.execute_command("BGREWRITEAOF")
        copy = await empty_store.copy_to("test~staging")
        found = await copy.read(TEAMS, {"ids": ["team-t0", "team-t1999"]})
        assert sorted(row["node"]["id"] for row in found) == ["team-t0", "team-t1999"]
    info = await connection.info("persistence")
    assert info["aof_last_bgrewrite_status"] == "ok"
