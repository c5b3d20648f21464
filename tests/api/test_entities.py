"""Every ontology class over GraphQL: lookups, relationships both ways, lists with filters,
sorting and cursor pages, `node(id)`; over real HTTP on the demo company."""

from __future__ import annotations

from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from api.navigation import NAMES, list_field, lookup_field, navigations
from api.schema import schema
from ontology.model import load_schema

# Divisions of loaders/demo/teams.csv: the units without a parent.
DIVISIONS = ["team-commercial", "team-cx", "team-exec", "team-finance", "team-ops", "team-tech"]


async def ask(api_url: str, query: str, **variables: Any) -> tuple[dict[str, Any], int]:
    """The data of a GraphQL request and the engine round trips it cost."""
    transport = HTTPXAsyncTransport(url=f"{api_url}/graphql")
    async with Client(transport=transport) as session:
        result = await session.execute(
            GraphQLRequest(query, variable_values=variables), get_execution_result=True
        )
    assert result.data is not None
    assert result.extensions is not None
    return result.data, result.extensions["engine"]["queries"]


async def data(api_url: str, query: str, **variables: Any) -> dict[str, Any]:
    return (await ask(api_url, query, **variables))[0]


def ids(connection: dict[str, Any]) -> list[str]:
    return [node["id"] for node in connection["nodes"]]


# ------------------------------------------------------------ the schema and the ontology


def test_every_class_property_and_relationship_is_in_the_graphql_schema() -> None:
    ontology = load_schema()
    types = {t.name: t for t in schema._schema.type_map.values() if hasattr(t, "fields")}
    node_types = {name for name, t in types.items() if "Node" in str(getattr(t, "interfaces", ""))}
    assert node_types == set(ontology.data_labels)
    query_fields = set(types["Query"].fields)
    for label in ontology.data_labels:
        node = ontology.node_types[label]
        fields = set(types[label].fields)
        assert set(node.properties) <= fields, label
        assert {"source", "id"} <= fields, label
        assert {nav.field for nav in navigations()[label]} <= fields, label
        assert {lookup_field(label), list_field(label)} <= query_fields, label
        assert types[label].description == node.comment


def test_every_relationship_direction_has_a_name_and_every_name_a_relationship() -> None:
    assert set(NAMES) == set(load_schema().endpoints())
    for label, navs in navigations().items():
        names = [nav.field for nav in navs]
        assert len(names) == len(set(names)), f"{label} has two fields of the same name"


def test_single_valued_relationships_are_objects_and_others_connections() -> None:
    fields = schema._schema.type_map["Touchpoint"].fields  # type: ignore[attr-defined]
    assert str(fields["channel"].type) == "Channel"  # VIA: at most one
    assert str(fields["stage"].type) == "Stage"  # inverse of HAS_TOUCHPOINT: one stage
    assert str(fields["processes"].type) == "ProcessConnection!"
    person = schema._schema.type_map["Person"].fields  # type: ignore[attr-defined]
    assert str(person["manager"].type) == "Person"
    assert str(person["reports"].type) == "PersonConnection!"


# ------------------------------------------------------------ lookups and navigation


async def test_lookup_by_id_with_typed_values_and_provenance(api_url: str) -> None:
    answer = await data(
        api_url,
        """{ system(id: "sys-crm") { id name kind criticality verifiedAt source
                                      loadRun { status } }
            unknown: system(id: "sys-none") { id } }""",
    )
    assert answer["system"] == {
        "id": "sys-crm",
        "name": "CRM (customer accounts & cases)",
        "kind": "APPLICATION",
        "criticality": "CRITICAL",
        "verifiedAt": "2026-06-18",
        "source": "systems:systems.csv",
        "loadRun": {"status": "COMMITTED"},
    }
    assert answer["unknown"] is None


async def test_node_finds_any_type_by_id(api_url: str) -> None:
    answer = await data(
        api_url,
        """{ node(id: "team-web") { __typename id ... on Team { name } }
            nodes(ids: ["sys-iam", "nothing", "j-broadband"]) { __typename id } }""",
    )
    assert answer["node"] == {"__typename": "Team", "id": "team-web", "name": "Web & CMS"}
    assert answer["nodes"] == [
        {"__typename": "System", "id": "sys-iam"},
        None,
        {"__typename": "Journey", "id": "j-broadband"},
    ]


async def test_relationships_in_both_directions(api_url: str) -> None:
    answer = await data(
        api_url,
        """{ crm: system(id: "sys-crm") { dependsOn { totalCount nodes { id } } }
            iam: system(id: "sys-iam") { dependents { nodes { id } } }
            web: team(id: "team-web") { parent { id } }
            tech: team(id: "team-tech") { units { nodes { id } } parent { id } } }""",
    )
    # systems.csv: sys-crm depends on sys-iam, sys-esb and sys-core-db
    assert answer["crm"]["dependsOn"]["totalCount"] == 3
    assert ids(answer["crm"]["dependsOn"]) == ["sys-core-db", "sys-esb", "sys-iam"]
    assert "sys-crm" in ids(answer["iam"]["dependents"])
    assert "sys-esb" in ids(answer["iam"]["dependents"])
    assert answer["web"]["parent"] == {"id": "team-digital"}
    assert ids(answer["tech"]["units"]) == ["team-bss", "team-digital", "team-platforms"]
    assert answer["tech"]["parent"] is None


async def test_stages_and_touchpoints_come_in_journey_order(api_url: str) -> None:
    answer = await data(
        api_url,
        """{ journey(id: "j-broadband") {
               stages { nodes { id order touchpoints(first: 1) { nodes { id } } } } } }""",
    )
    stages = answer["journey"]["stages"]["nodes"]
    assert [s["id"] for s in stages] == [
        "st-bb-check", "st-bb-order", "st-bb-book", "st-bb-install", "st-bb-online", "st-bb-bill"
    ]  # fmt: skip
    assert [s["order"] for s in stages] == [1, 2, 3, 4, 5, 6]
    assert ids(stages[0]["touchpoints"]) == ["tp-bb-address-check"]
    assert ids(stages[1]["touchpoints"]) == ["tp-bb-order-online"]


# ------------------------------------------------------------ lists


async def test_filter_by_enum_property(api_url: str) -> None:
    answer = await data(api_url, "{ teams(filter: {kind: DIVISION}) { totalCount nodes { id } } }")
    assert answer["teams"]["totalCount"] == 6
    assert ids(answer["teams"]) == DIVISIONS


async def test_filters_combine_text_dates_and_related_items(api_url: str) -> None:
    answer = await data(
        api_url,
        """{ old: teams(filter: {verifiedAtMax: "2024-12-31"}) { nodes { id } }
            ops: teams(filter: {nameContains: "OPERATIONS"}) { nodes { id } }
            tech: teams(filter: {parent: "team-tech"}) { nodes { id } }
            top: teams(filter: {hasParent: false}) { nodes { id } }
            both: teams(filter: {hasParent: false, nameContains: "o"}) { nodes { id } }
            kinds: teams(filter: {kindIn: [DIVISION, DEPARTMENT], parent: "team-cx"}) {
              nodes { id } } }""",
    )
    assert ids(answer["old"]) == ["team-field-scheduling", "team-integration", "team-marketing"]
    assert ids(answer["ops"]) == ["team-field-ops", "team-network-ops", "team-ops"]
    assert ids(answer["tech"]) == ["team-bss", "team-digital", "team-platforms"]
    assert ids(answer["top"]) == DIVISIONS
    # Commercial, Customer Experience, Executive Office, Operations, Technology
    assert ids(answer["both"]) == [
        "team-commercial",
        "team-cx",
        "team-exec",
        "team-ops",
        "team-tech",
    ]
    assert ids(answer["kinds"]) == ["team-care", "team-cx-design"]


async def test_touchpoints_without_an_owner(api_url: str) -> None:
    answer = await data(
        api_url,
        "{ touchpoints(filter: {hasOwners: false}, first: 100) { nodes { id owners { totalCount } } } }",
    )
    found = answer["touchpoints"]["nodes"]
    assert found, "the demo company has touchpoints nobody owns"
    assert all(t["owners"]["totalCount"] == 0 for t in found)
    everything = await data(
        api_url,
        "{ touchpoints { totalCount } owned: touchpoints(filter: {hasOwners: true}) { totalCount } }",
    )
    assert everything["touchpoints"]["totalCount"] == len(found) + everything["owned"]["totalCount"]


async def test_sorting_by_a_property_then_by_id(api_url: str) -> None:
    answer = await data(
        api_url,
        """{ newest: teams(orderBy: {field: VERIFIED_AT, direction: DESC}, first: 3) {
               nodes { id verifiedAt } }
            oldest: teams(orderBy: {field: VERIFIED_AT}, first: 2) { nodes { id } }
            last: teams(orderBy: {field: ID, direction: DESC}, first: 1) { nodes { id } } }""",
    )
    assert answer["newest"]["nodes"] == [
        {"id": "team-cx-design", "verifiedAt": "2026-10-12"},
        {"id": "team-care", "verifiedAt": "2026-10-05"},
        {"id": "team-cx", "verifiedAt": "2026-10-05"},
    ]
    assert ids(answer["oldest"]) == ["team-field-scheduling", "team-integration"]
    assert ids(answer["last"]) == ["team-web"]


async def test_cursor_pages_walk_the_whole_list_once(api_url: str) -> None:
    query = """query Page($after: String) {
      teams(first: 10, after: $after) {
        totalCount edges { cursor node { id } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
    seen: list[str] = []
    after = None
    pages = []
    while True:
        page = (await data(api_url, query, after=after))["teams"]
        pages.append(page["pageInfo"])
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert page["totalCount"] == 27
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 27
    assert [p["hasPreviousPage"] for p in pages] == [False, True, True]


async def test_bad_page_arguments_get_clear_errors(api_url: str) -> None:
    with pytest.raises(TransportQueryError, match="first must be at most 100, not 1000"):
        await data(api_url, "{ teams(first: 1000) { totalCount } }")
    with pytest.raises(TransportQueryError, match="is not a cursor of this list"):
        await data(api_url, '{ teams(after: "bm9wZQ") { totalCount } }')
    with pytest.raises(TransportQueryError, match="first must be 0 or more, not -1"):
        await data(api_url, '{ team(id: "team-tech") { units(first: -1) { totalCount } } }')


async def test_round_trips_do_not_grow_with_the_number_of_results(api_url: str) -> None:
    # 3 levels: teams, their owned processes, the systems of those: one query per level
    query = """query Nested($first: Int) { teams(first: $first) { nodes { id
      ownedProcesses(first: 50) { nodes { id systems { nodes { id name } } } } } } }"""
    costs = {}
    for first in (1, 5, 27):
        answer, costs[first] = await ask(api_url, query, first=first)
        assert len(answer["teams"]["nodes"]) == first
    assert costs == {1: 3, 5: 3, 27: 3}


async def test_every_type_can_be_listed_and_looked_up(api_url: str) -> None:
    for label in sorted(load_schema().data_labels):
        many, one = list_field(label), lookup_field(label)
        listed = await data(api_url, f"{{ {many}(first: 1) {{ totalCount nodes {{ id }} }} }}")
        assert listed[many]["totalCount"] > 0, label
        first = listed[many]["nodes"][0]["id"]
        found = await data(api_url, f'{{ {one}(id: "{first}") {{ id }} }}')
        assert found[one] == {"id": first}, label
