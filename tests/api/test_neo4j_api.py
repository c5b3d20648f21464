"""The GraphQL API on a real Neo4j 5 server gives the answers it gives on the embedded engine.

Runs only when NEO4J_URI is set, against the database tests/queries/test_neo4j.py describes
(NEO4J_TEST_DATABASE, empty or holding only the demo company): the demo company is loaded
into it, then the same documents are asked of a server on each engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from loaders.pipeline import demo_sources, load
from queries.neo4j_store import Neo4jStore
from queries.settings import StoreSettings
from tests.api.conftest import api_settings
from tests.conftest import served
from tests.queries.test_neo4j import server

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        not os.environ.get("NEO4J_URI"),
        reason="NEO4J_URI is not set: no Neo4j 5 server to test against",
    ),
]

DOCUMENTS = {
    "affecting teams": '{ painPoint(id: "pp-switch-hidden-fees") { affectingTeams { '
    "team { id name } role layer path rollUp { id } } } }",
    "team": '{ team(id: "team-field-ops") { impact { touchpoints painPoints customers '
    "journeys { id } } affects(first: 100) { totalCount nodes { unit { id } role layer "
    "painPoint { id } } } rollUp { unit { id } level members totalMembers } } }",
    "system": '{ system(id: "sys-iam") { impact { touchpoints painPoints customers '
    "dependents { depth system { id } } } blastRadius(first: 100) { totalCount nodes { "
    "touchpoint { id } depth customers } } } }",
    "journey": '{ journey(id: "j-broadband") { stages { nodes { id } } blueprint { '
    "touchpoint { id } owners { id } frontstage { process { id } } systems { system { id } } "
    "painPoints { id } } emotionCurve { stage { id } before during after } } }",
    "pain point": '{ painPoint(id: "pp-bb-no-show") { personasHit { persona { id } mapped '
    "customers stages { id } } initiatives { opportunity { id } } } }",
    "graph": "{ ownershipGaps { label item { id } painPoints } handoffs { touchpoint { id } "
    "teamCount } painPointRanking(first: 10) { painPoint { id } customers teams } "
    'staleItems(since: "2025-01-01") { label item { id } reason } }',
    "lists": "{ teams(filter: {kind: DIVISION}) { totalCount nodes { id } } "
    "touchpoints(filter: {hasOwners: false}, first: 100) { totalCount nodes { id } } "
    "systems(orderBy: {field: CRITICALITY, direction: DESC}, first: 5) { nodes { id } } "
    'nodes(ids: ["team-web", "sys-crm"]) { id } }',
}


@pytest.fixture(scope="module")
def neo4j_url() -> Iterator[str]:
    where = server()

    async def load_demo() -> None:
        store = await Neo4jStore.open(where.uri, where.user, where.password, where.database)
        try:
            await store.apply_schema()
            await load(store, demo_sources(), agent="tests")
        finally:
            await store.close()

    import asyncio

    asyncio.run(load_demo())
    settings = StoreSettings(
        engine="neo4j",
        neo4j_uri=where.uri,
        neo4j_user=where.user,
        neo4j_password=where.password or None,
        neo4j_database=where.database,
    )
    with served(create_app(api_settings(demo=True), settings)) as url:
        yield url


def answer(url: str, document: str) -> dict[str, Any]:
    body = httpx.post(f"{url}/graphql", json={"query": document}, timeout=60).json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_same_answers_on_both_engines(name: str, neo4j_url: str, api_url: str) -> None:
    assert answer(neo4j_url, DOCUMENTS[name]) == answer(api_url, DOCUMENTS[name])
