"""Changes through GraphQL over real HTTP, on a writable copy of the demo company: the
answer, the graph after it, who made it, refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from api.security import Role, api_key_entry
from queries.falkor import FalkorStore
from queries.generated import node_query
from tests.api.conftest import Serve, api_settings

EDITOR_KEY = "cxg_editor-key-for-tests-0123456789abcdef"
READER_KEY = "cxg_reader-key-for-tests-0123456789abcdef"


@pytest.fixture
def copy_url(serve: Serve, demo_store_copy: FalkorStore) -> str:
    keys = ",".join(
        [
            api_key_entry("portal", Role.EDITOR, EDITOR_KEY),
            api_key_entry("viewer", Role.READER, READER_KEY),
        ]
    )
    return serve(api_settings(api_keys=keys, demo=False), graph="copy")


async def ask(url: str, query: str, key: str = EDITOR_KEY, **variables: Any) -> dict[str, Any]:
    transport = HTTPXAsyncTransport(url=f"{url}/graphql", headers={"X-API-Key": key})
    async with Client(transport=transport) as session:
        result: dict[str, Any] = await session.execute(
            GraphQLRequest(query, variable_values=variables)
        )
    return result


async def snapshot(store: FalkorStore) -> dict[str, Any]:
    """Every node of the labels mutations touch, to show a refused change changed nothing."""
    found = {}
    for label in ("Touchpoint", "PainPoint", "Feedback", "Opportunity", "LoadRun", "Measurement"):
        found[label] = await store.read(node_query("all", label))
    found["rels"] = await store.read("graph/relationship_counts")
    return found


OWNERS = 'query { touchpoint(id: "tp-bb-book-slot") { owners { nodes { id } } } }'


async def test_set_owner_replaces_the_owners_and_records_who(copy_url: str) -> None:
    before = await ask(copy_url, OWNERS)
    assert before["touchpoint"]["owners"]["nodes"] != [{"id": "team-app"}]
    changed = await ask(
        copy_url,
        """mutation { setOwner(item: "tp-bb-book-slot", team: "team-app") {
             __typename id ... on Touchpoint { owners { nodes { id } } } } }""",
    )
    assert changed["setOwner"] == {
        "__typename": "Touchpoint",
        "id": "tp-bb-book-slot",
        "owners": {"nodes": [{"id": "team-app"}]},
    }
    runs = await ask(
        copy_url, '{ loadRuns(filter: {kind: "api:setOwner"}) { nodes { agent status sources } } }'
    )
    assert runs["loadRuns"]["nodes"] == [
        {"agent": "portal", "status": "COMMITTED", "sources": "api"}
    ]


async def test_refused_changes_say_why_and_change_nothing(
    copy_url: str, demo_store_copy: FalkorStore
) -> None:
    before = await snapshot(demo_store_copy)
    refusals = {
        'setOwner(item: "c-0001", team: "team-app") { id }': "c-0001' is a Customer; teams own",
        'setOwner(item: "tp-bb-book-slot", team: "team-none") { id }': "team: there is no Team",
        'setOwner(item: "nothing", team: "team-app") { id }': "item: there is no item 'nothing'",
        'markVerified(id: "c-0001") { id }': "is a Customer, which has no verification date",
        'linkPainPoint(painPoint: "pp-none", touchpoint: "tp-bb-book-slot") { id }': "painPoint:",
        """recordFeedback(input: {customer: "c-0001", touchpoint: "tp-bb-book-slot",
             kind: SURVEY, date: "2026-11-02", metric: CSAT}) { id }""": "a score needs its metric",
        """recordFeedback(input: {customer: "c-9999", touchpoint: "tp-bb-book-slot",
             kind: SURVEY, date: "2026-11-02"}) { id }""": "input.customer: there is no Customer",
        """recordFeedback(input: {customer: "c-0001", touchpoint: "tp-bb-book-slot",
             channel: "ch-web", kind: SURVEY, date: "2026-11-02"}) { id }""": "not both",
        """recordFeedback(input: {customer: "c-0001", kind: SURVEY,
             date: "2026-11-02"}) { id }""": "or else the channel it was given on",
        """recordFeedback(input: {customer: "c-0001", channel: "ch-none", kind: SURVEY,
             date: "2026-11-02"}) { id }""": "input.channel: there is no Channel 'ch-none'",
        'saveOpportunity(input: {id: "opp-new", name: "New"}) { id }': "input.status: required",
        """saveOpportunity(input: {id: "opp-new", name: " ", status: IDEA}) { id }""": "input.name",
    }
    for mutation, message in refusals.items():
        with pytest.raises(TransportQueryError, match=message):
            await ask(copy_url, f"mutation {{ {mutation} }}")
    assert await snapshot(demo_store_copy) == before


async def test_readers_and_anonymous_callers_cannot_change_anything(copy_url: str) -> None:
    mutation = 'mutation { markVerified(id: "tp-bb-book-slot") { id } }'
    with pytest.raises(TransportQueryError, match="needs the editor role"):
        await ask(copy_url, mutation, key=READER_KEY)


async def test_no_change_lands_while_a_load_holds_the_graph(
    copy_url: str, demo_store_copy: FalkorStore
) -> None:
    async with demo_store_copy.exclusive():
        with pytest.raises(TransportQueryError, match="try again when it has finished"):
            await ask(copy_url, 'mutation { markVerified(id: "tp-bb-book-slot") { id } }')
    done = await ask(
        copy_url,
        'mutation { markVerified(id: "tp-bb-book-slot", on: "2026-11-20") { id '
        "... on Touchpoint { verifiedAt } } }",
    )
    assert done["markVerified"] == {"id": "tp-bb-book-slot", "verifiedAt": "2026-11-20"}


async def test_link_pain_point_is_idempotent(copy_url: str) -> None:
    query = """mutation { linkPainPoint(painPoint: "pp-switch-hidden-fees",
                                        touchpoint: "tp-bb-book-slot") {
                 touchpoints { nodes { id } } } }"""
    first = await ask(copy_url, query)
    again = await ask(copy_url, query)
    assert first == again
    assert {"id": "tp-bb-book-slot"} in first["linkPainPoint"]["touchpoints"]["nodes"]


async def test_record_feedback_links_it_and_updates_measurements(copy_url: str) -> None:
    recorded = await ask(
        copy_url,
        """mutation { recordFeedback(input: {id: "fb-new", customer: "c-0002",
             touchpoint: "tp-bb-book-slot", kind: SURVEY, date: "2030-01-15", metric: CSAT,
             score: 2, text: "No slot this week", painPoints: ["pp-switch-hidden-fees"]}) {
           id kind metric score date source loadRun { agent }
           customer { id } touchpoint { id } painPoints { nodes { id } } } }""",
    )
    assert recorded["recordFeedback"] == {
        "id": "fb-new",
        "kind": "SURVEY",
        "metric": "CSAT",
        "score": 2.0,
        "date": "2030-01-15",
        "source": "api",
        "loadRun": {"agent": "portal"},
        "customer": {"id": "c-0002"},
        "touchpoint": {"id": "tp-bb-book-slot"},
        "painPoints": {"nodes": [{"id": "pp-switch-hidden-fees"}]},
    }
    # the only feedback of January 2030: its month's CSAT is its score
    month = await ask(
        copy_url, '{ measurement(id: "m-tp-bb-book-slot-csat-2030-01") { value sampleSize } }'
    )
    assert month["measurement"] == {"value": 2.0, "sampleSize": 1}
    # and of its channel (SMS), from all feedback given on it that month
    channel = await ask(
        copy_url, '{ measurement(id: "m-channel-ch-sms-csat-2030-01") { value sampleSize } }'
    )
    assert channel["measurement"] == {"value": 2.0, "sampleSize": 1}
    with pytest.raises(TransportQueryError, match="feedback 'fb-new' exists already"):
        await ask(
            copy_url,
            """mutation { recordFeedback(input: {id: "fb-new", customer: "c-0002",
                 touchpoint: "tp-bb-book-slot", kind: SURVEY, date: "2030-01-15"}) { id } }""",
        )


async def test_record_feedback_given_on_a_channel(copy_url: str) -> None:
    recorded = await ask(
        copy_url,
        """mutation { recordFeedback(input: {id: "fb-phone", customer: "c-0003",
             channel: "ch-phone", kind: COMPLAINT, date: "2030-02-03", metric: CSAT,
             score: 1, text: "Forty minutes on hold"}) {
           id touchpoint { id } channel { id } painPoints { totalCount } } }""",
    )
    assert recorded["recordFeedback"] == {
        "id": "fb-phone",
        "touchpoint": None,
        "channel": {"id": "ch-phone"},
        "painPoints": {"totalCount": 0},
    }
    # the only feedback on the phone channel in February 2030
    month = await ask(
        copy_url, '{ measurement(id: "m-channel-ch-phone-csat-2030-02") { value sampleSize } }'
    )
    assert month["measurement"] == {"value": 1.0, "sampleSize": 1}


async def test_save_opportunity_creates_then_updates_only_what_is_given(copy_url: str) -> None:
    fields = "id name status description owners { nodes { id } } painPoints { nodes { id } }"
    created = await ask(
        copy_url,
        f"""mutation {{ saveOpportunity(input: {{id: "opp-new", name: "Slot choice",
              status: IDEA, owner: "team-field-scheduling",
              painPoints: ["pp-switch-hidden-fees"]}}) {{ {fields} }} }}""",
    )
    assert created["saveOpportunity"] == {
        "id": "opp-new",
        "name": "Slot choice",
        "status": "IDEA",
        "description": None,
        "owners": {"nodes": [{"id": "team-field-scheduling"}]},
        "painPoints": {"nodes": [{"id": "pp-switch-hidden-fees"}]},
    }
    updated = await ask(
        copy_url,
        f"""mutation {{ saveOpportunity(input: {{id: "opp-new", status: PLANNED,
              description: "Offer slots at checkout"}}) {{ {fields} }} }}""",
    )
    assert updated["saveOpportunity"] == {
        **created["saveOpportunity"],
        "status": "PLANNED",
        "description": "Offer slots at checkout",
    }
    moved = await ask(
        copy_url,
        f"""mutation {{ saveOpportunity(input: {{id: "opp-new", owner: "team-web",
              painPoints: []}}) {{ {fields} }} }}""",
    )
    assert moved["saveOpportunity"]["owners"] == {"nodes": [{"id": "team-web"}]}
    assert moved["saveOpportunity"]["painPoints"] == {"nodes": []}
