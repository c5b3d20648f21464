"""Cypher over HTTP for analysts, on a real server over the demo company."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from api.security import Role, api_key_entry
from queries.console import named_queries
from tests.api.conftest import Serve, api_settings

ANALYST = "cxg_analyst-key-for-tests-0123456789abcdef"
READER = "cxg_reader-key-for-tests-0123456789abcdef"


@pytest.fixture
def url(serve: Serve) -> str:
    keys = ",".join(
        [api_key_entry("ana", Role.ANALYST, ANALYST), api_key_entry("rita", Role.READER, READER)]
    )
    return serve(api_settings(api_keys=keys))


def post(url: str, path: str, key: str = ANALYST, **body: object) -> httpx.Response:
    return httpx.post(f"{url}{path}", json=body, headers={"X-API-Key": key}, timeout=30)


def test_a_read_statement_returns_rows_with_its_columns(url: str) -> None:
    answer = post(
        url,
        "/cypher",
        query="MATCH (t:Team) WHERE t.kind = $kind RETURN t.id AS id ORDER BY id",
        params={"kind": "division"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["columns"] == ["id"]
    # teams.csv: the six units without a parent are the divisions
    assert [row["id"] for row in body["rows"]] == [
        "team-commercial", "team-cx", "team-exec", "team-finance", "team-ops", "team-tech"
    ]  # fmt: skip
    assert body["truncated"] is False
    assert body["limit"] == 1000


def test_the_row_cap_is_reported(url: str) -> None:
    body = post(url, "/cypher", query="MATCH (t:Team) RETURN t.id AS id ORDER BY id", limit=5)
    assert body.json()["truncated"] is True
    assert len(body.json()["rows"]) == 5


def test_csv_on_request(url: str) -> None:
    answer = httpx.post(
        f"{url}/cypher?format=csv",
        json={"query": "MATCH (t:Team {id: 'team-web'}) RETURN t.id AS id, t.name AS name"},
        headers={"X-API-Key": ANALYST},
    )
    assert answer.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(answer.text))) == [["id", "name"], ["team-web", "Web & CMS"]]


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("MATCH (t:Team) DETACH DELETE t", "DETACH writes to the graph"),
        ("CREATE (:Team {id: 'x'})", "CREATE"),
        ("MATCH (t:Team) RETURN t.id; MATCH (n) DETACH DELETE n", "statement"),
        ("CALL dbms.components()", "dbms.components"),
    ],
)
def test_writes_are_refused_and_say_what(url: str, statement: str, refusal: str) -> None:
    answer = post(url, "/cypher", query=statement)
    assert answer.status_code == 400
    assert answer.json()["detail"]["error"] == "refused"
    assert refusal in answer.json()["detail"]["message"]
    teams = post(url, "/cypher", query="MATCH (t:Team) RETURN count(t) AS n")
    assert teams.json()["rows"] == [{"n": 27}]


def test_readers_may_not_run_cypher(url: str) -> None:
    assert post(url, "/cypher", key=READER, query="RETURN 1 AS one").status_code == 403
    anonymous = httpx.post(f"{url}/cypher", json={"query": "RETURN 1 AS one"})
    assert anonymous.status_code == 401


def test_the_named_queries_are_listed_and_run(url: str) -> None:
    listed = httpx.get(f"{url}/queries", headers={"X-API-Key": ANALYST}).json()
    assert [q["name"] for q in listed] == [q.name for q in named_queries()]
    run = post(url, "/queries/team/rollup", params={"ids": ["team-field-ops"]})
    assert run.status_code == 200, run.text
    assert [row["unit"]["id"] for row in run.json()["rows"]] == [
        "team-ops", "team-field-ops", "team-field-install", "team-field-scheduling"
    ]  # fmt: skip
    assert post(url, "/queries/no/such").status_code == 404
    writes = post(url, "/queries/change/link_pain_point", params={})
    assert writes.status_code == 400
    assert "not a read-only query" in writes.json()["detail"]["message"]
