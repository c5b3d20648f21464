"""The compact-format reader gives the same values as the falkordb client, from the real
engine, and refuses graph objects."""

from __future__ import annotations

from typing import Any

import pytest

from queries.errors import QueryError
from queries.falkor import FalkorStore
from queries.falkor_results import read_compact
from queries.store import plain

CASES = [
    "RETURN 1 AS i, -7 AS negative, 2.5 AS f, true AS yes, false AS no, null AS nothing",
    "RETURN 'plain' AS s, 'Siobhán «quotes» \\'x\\' ✓' AS unicode, '' AS empty",
    "RETURN [1, 'two', [3.0, null], {k: [true]}] AS nested, [] AS none, {} AS nomap",
    "MATCH (t:Team) RETURN t {.*} AS team, t.id AS id ORDER BY id",
    "MATCH (t:Team)<-[:MEMBER_OF]-(p:Person) "
    "RETURN t.id AS team, collect(p {.id, .name}) AS people ORDER BY team",
    "MATCH (n:Nothing) RETURN n.id AS id",
    "RETURN date('2024-01-02') AS d, point({latitude: 1.5, longitude: 2.5}) AS p",
]


async def raw(store: FalkorStore, text: str) -> list[Any]:
    connection = store._client.connection
    response: list[Any] = await connection.execute_command(
        "GRAPH.RO_QUERY", "demo", text, "--compact"
    )
    return response


@pytest.mark.parametrize("text", CASES)
async def test_values_are_those_of_the_client(demo_store: FalkorStore, text: str) -> None:
    by_client = await demo_store._graph.ro_query(text)
    columns = [column[1] for column in by_client.header]
    expected = [
        {c: plain(v) for c, v in zip(columns, record, strict=True)}
        for record in by_client.result_set
    ]
    result = read_compact(await raw(demo_store, text))
    assert result.rows == expected
    assert result.columns == columns
    assert result.engine_ms > 0


async def test_a_row_cap_converts_only_the_first_rows(demo_store: FalkorStore) -> None:
    result = read_compact(await raw(demo_store, CASES[3]), max_rows=2)
    assert [row["id"] for row in result.rows] == ["team-app", "team-billing-ops"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("MATCH (t:Team) RETURN t LIMIT 1", "node"),
        ("MATCH (:Person)-[r:MEMBER_OF]->(:Team) RETURN r LIMIT 1", "relationship"),
        ("MATCH p = (:Person)-[:MEMBER_OF]->(:Team) RETURN p LIMIT 1", "path"),
        ("MATCH (t:Team) RETURN [t] AS inside LIMIT 1", "node"),
    ],
)
async def test_graph_objects_are_refused(demo_store: FalkorStore, text: str, kind: str) -> None:
    with pytest.raises(QueryError, match=f"returned a {kind}; return plain values"):
        read_compact(await raw(demo_store, text))


def test_statistics_of_a_write_without_rows() -> None:
    response = [["Nodes created: 2", "Properties set: 4", "Query internal execution time: 0.5 ms"]]
    result = read_compact(response)
    assert (result.columns, result.rows) == ([], [])
    assert result.statistics == {
        "Nodes created": 2,
        "Properties set": 4,
        "Query internal execution time": 0.5,
    }
