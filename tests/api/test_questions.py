"""The cross-silo questions through GraphQL over real HTTP: each field gives exactly the rows
of its named query (whose answers tests/queries/test_library.py checks against the demo
files), items come back whole, and batches cost the same round trips as one item."""

from __future__ import annotations

from typing import Any

import httpx
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXAsyncTransport

from api.entities import PREFETCH
from api.questions import MIXINS
from queries.schema_docs import schema_html
from queries.store import GraphStore


async def ask(api_url: str, query: str, **variables: Any) -> tuple[dict[str, Any], int]:
    transport = HTTPXAsyncTransport(url=f"{api_url}/graphql")
    async with Client(transport=transport) as session:
        result = await session.execute(
            GraphQLRequest(query, variable_values=variables), get_execution_result=True
        )
    assert result.data is not None
    assert result.extensions is not None
    return result.data, result.extensions["engine"]["queries"]


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


def ref(item: dict[str, Any] | None) -> str | None:
    return None if item is None else item["id"]


async def test_team_affects_and_impact(api_url: str, demo_store: GraphStore) -> None:
    answer, _ = await ask(
        api_url,
        """{ team(id: "team-field-ops") {
              affects(first: 100) { totalCount nodes {
                unit { id name } role layer via { id label } painPoint { id severity }
                touchpoint { id } journey { id } customers } }
              impact { touchpoints painPoints customers journeys { id name } }
              rollUp { unit { id } level parentId members totalMembers leaders { id } } } }""",
    )
    team = answer["team"]
    rows = await demo_store.read("team/affected", {"ids": ["team-field-ops"]})
    assert [
        (
            a["unit"]["id"], a["role"].lower(), a["layer"].lower(), a["via"]["id"],
            a["painPoint"]["id"], a["touchpoint"]["id"], ref(a["journey"]), a["customers"],
        )
        for a in team["affects"]["nodes"]
    ] == [
        (
            r["unit"]["id"], r["role"], r["layer"], r["via"]["id"], r["painPoint"]["id"],
            r["touchpoint"]["id"], ref(r["journey"]), r["customers"],
        )
        for r in rows
    ]  # fmt: skip
    # Field Installation (a unit of Field Operations) owns tp-bb-technician-visit, where
    # customers report the no-show (journeys/broadband.yaml)
    assert {
        "unit": {"id": "team-field-install", "name": "Field Installation"},
        "role": "TOUCHPOINT_OWNER",
        "layer": "CUSTOMER",
        "via": {"id": "tp-bb-technician-visit", "label": "Touchpoint"},
        "painPoint": {"id": "pp-bb-no-show", "severity": 5},
        "touchpoint": {"id": "tp-bb-technician-visit"},
        "journey": {"id": "j-broadband"},
        "customers": 6,
    } in team["affects"]["nodes"]
    assert team["affects"]["totalCount"] == len(rows)
    (impact,) = await demo_store.read("team/impact", {"ids": ["team-field-ops"]})
    assert team["impact"] == {
        "touchpoints": impact["touchpoints"],
        "painPoints": impact["painPoints"],
        "customers": impact["customers"],
        "journeys": impact["journeys"],
    }
    rollup = await demo_store.read("team/rollup", {"ids": ["team-field-ops"]})
    assert [(u["unit"]["id"], u["level"], u["parentId"]) for u in team["rollUp"]] == [
        (r["unit"]["id"], r["level"], r["parent"]) for r in rollup
    ]
    # teams.csv: Field Operations is part of Operations and has two teams below it
    assert [(u["unit"]["id"], u["level"]) for u in team["rollUp"]] == [
        ("team-ops", -1),
        ("team-field-ops", 0),
        ("team-field-install", 1),
        ("team-field-scheduling", 1),
    ]


async def test_system_blast_radius_and_impact(api_url: str, demo_store: GraphStore) -> None:
    answer, _ = await ask(
        api_url,
        """{ system(id: "sys-iam") {
              blastRadius(first: 100) { totalCount nodes {
                touchpoint { id } stage { id } journey { id } personas { id }
                depth customers path { id label } } }
              impact { touchpoints painPoints customers
                       dependents { depth system { id } } journeys { id } personas { id } } } }""",
    )
    system = answer["system"]
    rows = await demo_store.read("system/blast_radius", {"ids": ["sys-iam"]})
    assert [
        (
            b["touchpoint"]["id"], ref(b["stage"]), ref(b["journey"]), ids(b["personas"]),
            b["depth"], b["customers"], [(s["id"], s["label"]) for s in b["path"]],
        )
        for b in system["blastRadius"]["nodes"]
    ] == [
        (
            r["touchpoint"]["id"], ref(r["stage"]), ref(r["journey"]), ids(r["personas"]),
            r["depth"], r["customers"], [(s["id"], s["label"]) for s in r["path"]],
        )
        for r in rows
    ]  # fmt: skip
    # systems.csv: sys-esb and sys-crm depend on sys-iam directly
    dependents = {d["system"]["id"]: d["depth"] for d in system["impact"]["dependents"]}
    assert dependents["sys-esb"] == 1
    assert dependents["sys-crm"] == 1
    assert system["impact"]["touchpoints"] == len(rows)


async def test_journey_blueprint_and_emotion_curve(api_url: str, demo_store: GraphStore) -> None:
    answer, _ = await ask(
        api_url,
        """{ journey(id: "j-broadband") {
              blueprint { stage { id } touchpoint { id name } channel { id } needs { id }
                          owners { id } frontstage { process { id } owners { id } performers { id } }
                          backstage { process { id } } support { process { id } }
                          systems { system { id } owners { id } } painPoints { id }
                          measurements { metric phase value } }
              emotionCurve { stage { id } before during after csat nps ces painPoints } } }""",
    )
    journey = answer["journey"]
    rows = await demo_store.read("journey/blueprint", {"ids": ["j-broadband"]})
    assert [
        (c["stage"]["id"], ref(c["touchpoint"]), ref(c["channel"]), ids(c["needs"]),
         ids(c["owners"]), [ref(p["process"]) for p in c["frontstage"]],
         [ref(p["process"]) for p in c["backstage"]], [ref(p["process"]) for p in c["support"]],
         [ref(s["system"]) for s in c["systems"]], ids(c["painPoints"]))
        for c in journey["blueprint"]
    ] == [
        (r["stage"]["id"], ref(r["touchpoint"]), ref(r["channel"]), ids(r["needs"]),
         ids(r["owners"]), ids(r["frontstage"]), ids(r["backstage"]), ids(r["support"]),
         ids(r["systems"]), ids(r["painPoints"]))
        for r in rows
    ]  # fmt: skip
    # journeys/broadband.yaml: the first column is the address check on the web, owned by
    # Web & CMS, behind it proc-3.4.1 and the CMS and provisioning systems
    first = journey["blueprint"][0]
    assert first["touchpoint"] == {"id": "tp-bb-address-check", "name": "Check the address online"}
    assert first["channel"] == {"id": "ch-web"}
    assert ids(first["needs"]) == ["need-clear-price", "need-speed-as-promised"]
    assert ids(first["owners"]) == ["team-web"]
    assert [s["system"]["id"] for s in first["systems"]] == ["sys-cms", "sys-provisioning"]
    assert ids(first["painPoints"]) == ["pp-bb-wrong-speed"]
    curve = journey["emotionCurve"]
    assert [s["stage"]["id"] for s in curve][:2] == ["st-bb-check", "st-bb-order"]
    # st-bb-check: emotion before 2, during 1, after 1
    assert (curve[0]["before"], curve[0]["during"], curve[0]["after"]) == (2.0, 1.0, 1.0)


async def test_pain_point_personas_and_initiatives(api_url: str, demo_store: GraphStore) -> None:
    answer, _ = await ask(
        api_url,
        """{ painPoint(id: "pp-bb-no-show") {
              personasHit { persona { id } mapped customers stages { id } } }
            addressed: painPoint(id: "pp-switch-hidden-fees") {
              initiatives { opportunity { id status } owners { id } addresses { id } } } }""",
    )
    personas = await demo_store.read("painpoint/personas", {"ids": ["pp-bb-no-show"]})
    assert [
        (p["persona"]["id"], p["mapped"], p["customers"], ids(p["stages"]))
        for p in answer["painPoint"]["personasHit"]
    ] == [(r["persona"]["id"], r["mapped"], r["customers"], ids(r["stages"])) for r in personas]
    assert answer["painPoint"]["personasHit"][0] == {
        "persona": {"id": "per-remote"},  # broadband is mapped for the remote worker
        "mapped": True,
        "customers": 6,
        "stages": [{"id": "st-bb-install"}],
    }
    opportunities = await demo_store.read(
        "painpoint/opportunities", {"ids": ["pp-switch-hidden-fees"]}
    )
    assert [
        (i["opportunity"]["id"], ids(i["owners"]), ids(i["addresses"]))
        for i in answer["addressed"]["initiatives"]
    ] == [(r["opportunity"]["id"], ids(r["owners"]), ids(r["addresses"])) for r in opportunities]


async def test_touchpoint_behind(api_url: str, demo_store: GraphStore) -> None:
    answer, _ = await ask(
        api_url,
        """{ touchpoint(id: "tp-bb-book-slot") {
              behind { process { id } owners { id } performers { id } handsOffTo { id } } } }""",
    )
    rows = await demo_store.read("touchpoint/handoffs", {"ids": ["tp-bb-book-slot"]})
    assert [
        (b["process"]["id"], ids(b["owners"]), ids(b["performers"]), ids(b["handsOffTo"]))
        for b in answer["touchpoint"]["behind"]
    ] == [
        (r["process"]["id"], ids(r["owners"]), ids(r["performers"]), ids(r["handsOffTo"]))
        for r in rows
    ]
    assert rows, "the slot booking has processes behind it"


async def test_questions_about_the_whole_graph(api_url: str, demo_store: GraphStore) -> None:
    answer, _ = await ask(
        api_url,
        """{ ownershipGaps { label layer painPoints item { id } performers { id } journeys { id } }
            handoffs { teamCount painPoints handoffPainPoints touchpoint { id } teams { id } }
            byCustomers: painPointRanking(first: 5) { painPoint { id } customers teams }
            byTeams: painPointRanking(by: TEAMS, first: 5) { painPoint { id } customers teams }
            painPointsWithoutOpportunity(minSeverity: 4) { painPoint { id } severity customers }
            staleItems(since: "2025-01-01") { label verifiedAt reason item { id } owner { id } } }""",
    )
    gaps = await demo_store.read("gaps/ownership")
    assert [
        (g["label"], g["item"]["id"], g["layer"].lower(), g["painPoints"])
        for g in answer["ownershipGaps"]
    ] == [(r["label"], r["item"]["id"], r["layer"], r["painPoints"]) for r in gaps]
    handoffs = await demo_store.read("handoffs/list", {"minTeams": 2})
    assert [(h["touchpoint"]["id"], ids(h["teams"])) for h in answer["handoffs"]] == [
        (r["touchpoint"]["id"], ids(r["teams"])) for r in handoffs
    ]
    for by in ("customers", "teams"):
        ranked = await demo_store.read("painpoint/ranking", {"by": by, "limit": 5})
        field = "byCustomers" if by == "customers" else "byTeams"
        assert [(p["painPoint"]["id"], p["customers"], p["teams"]) for p in answer[field]] == [
            (r["painPoint"]["id"], r["customers"], r["teams"]) for r in ranked
        ]
    teams = [p["teams"] for p in answer["byTeams"]]
    assert teams == sorted(teams, reverse=True)
    customers = [p["customers"] for p in answer["byCustomers"]]
    assert customers == sorted(customers, reverse=True)
    unaddressed = await demo_store.read("painpoint/without_opportunity", {"minSeverity": 4})
    assert [p["painPoint"]["id"] for p in answer["painPointsWithoutOpportunity"]] == [
        r["painPoint"]["id"] for r in unaddressed
    ]
    assert all(p["severity"] >= 4 for p in answer["painPointsWithoutOpportunity"])
    stale = await demo_store.read("freshness/stale", {"since": "2025-01-01"})
    assert [(s["label"], s["item"]["id"], s["reason"].lower()) for s in answer["staleItems"]] == [
        (r["label"], r["item"]["id"], r["reason"]) for r in stale
    ]
    # teams.csv: Integration & Identity was last verified on 2024-11-19
    assert {
        "label": "Team",
        "verifiedAt": "2024-11-19",
        "reason": "VERIFIED_BEFORE",
        "item": {"id": "team-integration"},
        "owner": None,
    } in answer["staleItems"]


async def test_questions_cost_the_same_round_trips_for_one_item_or_many(api_url: str) -> None:
    query = """query Many($first: Int) { systems(first: $first) { nodes { id
        blastRadius { nodes { touchpoint { id } journey { id } personas { id } } }
        impact { touchpoints dependents { system { id } } } } } }"""
    # one query per level and label; a first item with fewer levels of answers costs less
    costs = {first: (await ask(api_url, query, first=first))[1] for first in (1, 5, 16)}
    assert costs[1] <= costs[5] == costs[16] <= 7
    team_query = """query Teams($first: Int) { teams(first: $first) { nodes { id
        affects { nodes { painPoint { id } unit { id } } } rollUp { unit { id } leaders { id } } } } }"""
    costs = {first: (await ask(api_url, team_query, first=first))[1] for first in (1, 10, 27)}
    assert costs[1] <= costs[10] == costs[27] <= 7


async def test_the_schema_reference_is_served(api_url: str) -> None:
    async with httpx.AsyncClient(base_url=api_url) as client:
        page = await client.get("/schema")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text == schema_html()
    assert 'id="owns"' in page.text


async def test_items_are_whole_when_asked_for_more_than_the_rows_hold(api_url: str) -> None:
    # team/affected gives the unit as {id, name, kind}: verifiedAt and parent need the team
    answer, _ = await ask(
        api_url,
        """{ team(id: "team-field-ops") {
              affects(first: 100) { nodes { unit { id name verifiedAt parent { id } } } } } }""",
    )
    units = {a["unit"]["id"]: a["unit"] for a in answer["team"]["affects"]["nodes"]}
    # teams.csv: Field Installation, part of Field Operations, verified 2026-04-09
    assert units["team-field-install"] == {
        "id": "team-field-install",
        "name": "Field Installation",
        "verifiedAt": "2026-04-09",
        "parent": {"id": "team-field-ops"},
    }


def test_every_question_field_is_started_with_its_lookup() -> None:
    # a field answered by a named query about the item, missing from PREFETCH, would cost
    # one more engine round trip in turn after the lookup
    for label, mixin in MIXINS.items():
        fields = {
            f.graphql_name or f.python_name
            for f in mixin.__strawberry_definition__.fields  # type: ignore[attr-defined]
        }
        asked = set(PREFETCH[label])
        assert asked <= {_camel(name) for name in fields}, label
        assert {_camel(name) for name in fields} - {"id"} == asked, label


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
