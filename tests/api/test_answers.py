"""Answers reused until the graph changes (api/answers.py): over real HTTP, with changes made
through the API, by another process and by a load; and the cache's own rules."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.answers import CACHED_ENGINE_STATS, Answer, AnswerCache, AnswerKey
from api.security import Role, api_key_entry
from queries.falkor import FalkorStore
from tests.api.conftest import Serve, api_settings
from tests.api.test_observability import sample

EDITOR_KEY = "cxg_editor-key-for-answer-tests-0123456789"
READER_KEY = "cxg_reader-key-for-answer-tests-0123456789"
KEYS = ",".join(
    [
        api_key_entry("portal", Role.EDITOR, EDITOR_KEY),
        api_key_entry("viewer", Role.READER, READER_KEY),
    ]
)
TEAM = '{ team(id: "team-care") { id name } }'
AFFECTING = """query Affecting($id: ID!) {
  painPoint(id: $id) { id affectingTeams { team { id } role } }
}"""


def post(url: str, query: str, key: str | None = READER_KEY, **variables: Any) -> dict[str, Any]:
    headers = {"X-API-Key": key} if key else {}
    body: dict[str, Any] = {"query": query}
    if variables:
        body["variables"] = variables
    response = httpx.post(f"{url}/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def answers(url: str, outcome: str) -> float:
    return sample(
        httpx.get(f"{url}/metrics").text, "cxgraph_graphql_answers_total", outcome=outcome
    )


@pytest.fixture
def copy_url(serve: Serve, demo_store_copy: FalkorStore) -> str:
    """A server over a writable copy of the demo company, with answers kept."""
    return serve(api_settings(api_keys=KEYS, demo=False), graph="copy")


def test_the_same_query_is_answered_again_without_the_engine(copy_url: str) -> None:
    first = post(copy_url, AFFECTING, id="pp-bill-shock")
    assert first["extensions"]["engine"]["queries"] >= 1
    again = post(copy_url, AFFECTING, id="pp-bill-shock")
    assert again["data"] == first["data"]
    assert again["extensions"]["engine"] == CACHED_ENGINE_STATS
    # other variables are another question
    other = post(copy_url, AFFECTING, id="pp-switch-hidden-fees")
    assert other["extensions"]["engine"]["queries"] >= 1
    assert other["data"] != first["data"]
    assert (answers(copy_url, "reused"), answers(copy_url, "computed")) == (1, 2)
    # a reused answer counts as the operation and route it answers
    text = httpx.get(f"{copy_url}/metrics").text
    assert sample(text, "cxgraph_graphql_operations_total", operation="Affecting") == 3
    assert sample(text, "cxgraph_http_requests_total", route="/graphql", status="200") == 3


def test_a_change_through_the_api_is_seen_at_once(copy_url: str) -> None:
    owners = '{ touchpoint(id: "tp-bb-book-slot") { owners { nodes { id } } } }'
    before = post(copy_url, owners)["data"]
    assert post(copy_url, owners)["extensions"]["engine"] == CACHED_ENGINE_STATS
    assert before["touchpoint"]["owners"]["nodes"] != [{"id": "team-app"}]
    post(
        copy_url,
        'mutation { setOwner(item: "tp-bb-book-slot", team: "team-app") { id } }',
        key=EDITOR_KEY,
    )
    after = post(copy_url, owners)
    assert after["data"]["touchpoint"]["owners"]["nodes"] == [{"id": "team-app"}]
    assert after["extensions"]["engine"]["queries"] >= 1


def test_mutations_are_never_reused(copy_url: str) -> None:
    verify = 'mutation { markVerified(id: "team-care", on: "2026-11-01") { id } }'
    runs = '{ loadRuns(filter: {kind: "api:markVerified"}) { totalCount } }'
    for _ in range(2):
        done = post(copy_url, verify, key=EDITOR_KEY)
        assert done["extensions"]["engine"]["queries"] >= 1
    assert post(copy_url, runs)["data"]["loadRuns"]["totalCount"] == 2


def test_a_load_by_another_process_is_seen_at_once(
    copy_url: str, demo_dir: Path, tmp_path: Path
) -> None:
    assert post(copy_url, TEAM)["data"]["team"]["name"] == "Customer Care"
    assert post(copy_url, TEAM)["extensions"]["engine"] == CACHED_ENGINE_STATS
    teams = Path(__file__).parents[2] / "loaders" / "demo" / "teams.csv"
    with teams.open(newline="") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        if row["id"] == "team-care":
            row["name"] = "Customer Care and Retention"
    renamed = tmp_path / "teams.csv"
    with renamed.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    cli = Path(sys.executable).parent / "cxgraph"
    env = {**os.environ, "CXGRAPH_DATA_DIR": str(demo_dir), "CXGRAPH_GRAPH": "copy"}
    subprocess.run(
        [str(cli), "load", "teams", str(renamed)], env=env, check=True, capture_output=True
    )
    after = post(copy_url, TEAM)
    assert after["data"]["team"]["name"] == "Customer Care and Retention"
    assert after["extensions"]["engine"]["queries"] == 1


def test_answers_with_errors_are_computed_every_time(copy_url: str) -> None:
    for _ in range(2):
        response = httpx.post(
            f"{copy_url}/graphql",
            json={"query": '{ team(id: "team-care") { nope } }'},
            headers={"X-API-Key": READER_KEY},
        )
        assert "Cannot query field 'nope'" in response.text
    assert (answers(copy_url, "reused"), answers(copy_url, "computed")) == (0, 2)


def test_a_kept_answer_needs_credentials_all_the_same(copy_url: str) -> None:
    post(copy_url, TEAM)
    assert post(copy_url, TEAM)["extensions"]["engine"] == CACHED_ENGINE_STATS
    for headers in ({}, {"X-API-Key": "cxg_wrong-key-0123456789abcdef0123"}):
        refused = httpx.post(f"{copy_url}/graphql", json={"query": TEAM}, headers=headers)
        assert refused.status_code == 401
        assert "data" not in refused.json()
    # an editor asks the same: computed for that role, then kept for it
    assert post(copy_url, TEAM, key=EDITOR_KEY)["extensions"]["engine"]["queries"] == 1
    assert post(copy_url, TEAM, key=EDITOR_KEY)["extensions"]["engine"] == CACHED_ENGINE_STATS


def test_the_media_type_asked_for_is_kept_apart(copy_url: str) -> None:
    def ask(accept: str) -> httpx.Response:
        return httpx.post(
            f"{copy_url}/graphql",
            json={"query": TEAM},
            headers={"X-API-Key": READER_KEY, "Accept": accept},
        )

    for accept, media in [
        ("application/graphql-response+json", "application/graphql-response+json"),
        ("application/json", "application/json"),
    ]:
        first, again = ask(accept), ask(accept)
        assert first.headers["content-type"] == again.headers["content-type"] == media
        assert again.json()["extensions"]["engine"] == CACHED_ENGINE_STATS
        assert again.json()["data"] == first.json()["data"]


def test_reuse_can_be_turned_off(serve: Serve, demo_store: FalkorStore) -> None:
    url = serve(api_settings(api_keys=KEYS, demo=False, answer_cache_mb=0))
    for _ in range(2):
        assert post(url, TEAM)["extensions"]["engine"]["queries"] == 1
    assert (answers(url, "reused"), answers(url, "computed")) == (0, 0)


# -- the graph's version --------------------------------------------------------------------


async def test_every_change_gives_the_graph_a_new_version(
    demo_store_copy: FalkorStore,
) -> None:
    store = demo_store_copy
    seen = [await store.version()]
    assert seen[0] == await store.version()  # reading changes nothing
    await store.write("change/verified/Team", _verified("team-care", "2026-11-02"))
    seen.append(await store.version())
    # a write that changes nothing keeps the version
    await store.write("change/verified/Team", _verified("missing-team", "2026-11-02"))
    assert await store.version() == seen[-1]
    async with store.atomic() as staged:
        staged.discard()
    assert await store.version() == seen[-1]
    async with store.atomic() as staged:
        await staged.store.write("change/verified/Team", _verified("team-care", "2026-11-03"))
    seen.append(await store.version())
    await store.drop()
    seen.append(await store.version())
    assert len(set(seen)) == len(seen), seen


def _verified(item: str, on: str) -> dict[str, Any]:
    return {"id": item, "date": on, "run": {"id": f"run-test-{on}", "kind": "test"}}


# -- the cache's rules, on its own ----------------------------------------------------------


def _key(body: bytes) -> AnswerKey:
    return AnswerKey("READER", "POST", b"", b"application/json", b"", body)


def test_a_new_version_forgets_every_answer() -> None:
    cache = AnswerCache(1000)
    assert cache.get("v1", _key(b"q")) is None
    cache.put("v1", _key(b"q"), Answer(b'{"data":{"a":1}}', (("Q", 0),)))
    assert cache.get("v1", _key(b"q")) == Answer(
        b'{"data":{"a":1},"extensions":{"engine":{"queries":0,"ms":0.0,"cached":true}}}',
        (("Q", 0),),
    )
    assert cache.get("v2", _key(b"q")) is None
    cache.put("v1", _key(b"q"), Answer(b'{"data":{"a":1}}'))  # computed before the change: dropped
    assert cache.get("v2", _key(b"q")) is None
    assert len(cache) == 0


def test_the_cache_stays_within_its_size() -> None:
    cache = AnswerCache(200)
    cache.get("v", _key(b""))
    body = b'{"data":{"x":"' + b"a" * 40 + b'"}}'
    for n in range(10):
        cache.put("v", _key(str(n).encode()), Answer(body))
    assert 0 < len(cache) < 10
    assert cache.get("v", _key(b"9")) is not None  # the most recent stay
    assert cache.get("v", _key(b"0")) is None
    cache.put("v", _key(b"big"), Answer(b'{"data":"' + b"b" * 300 + b'"}'))
    assert cache.get("v", _key(b"big")) is None
