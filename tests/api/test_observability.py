"""Readiness, Prometheus metrics, request ids and the access log, over real HTTP."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.types import Message, Receive, Scope, Send

from api.app import create_app
from api.graphql_http import prefers_graphql_response_json
from api.observability import Metrics, ObservabilityMiddleware, log_formatter
from api.settings import ApiSettings
from queries.embedded import EmbeddedEngine
from queries.falkor import FalkorStore
from queries.settings import StoreSettings
from queries.store import GraphStore
from tests.conftest import served, short_tmp_dir

AFFECTING = """
    query Affecting($id: ID!) {
      painPoint(id: $id) { id affectingTeams { team { id } } }
    }
"""


def sample(metrics_text: str, name: str, **labels: str) -> float:
    """The sum of the samples `name` with these labels in a Prometheus text exposition."""
    return sum(
        float(s.value)
        for family in text_string_to_metric_families(metrics_text)
        for s in family.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def metrics(api_url: str) -> str:
    response = httpx.get(f"{api_url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


# -- readiness ------------------------------------------------------------------------------


def test_readyz_is_ready_on_the_demo_graph(api_url: str) -> None:
    response = httpx.get(f"{api_url}/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "engine": "falkordb"}


def test_readyz_is_unavailable_when_the_graph_does_not_exist(
    demo_store: GraphStore, demo_dir: Path
) -> None:
    # the session's engine runs; the graph "absent" was never created
    app = create_app(
        ApiSettings(demo=True), StoreSettings(engine="falkordb", data_dir=demo_dir, graph="absent")
    )
    with served(app) as url:
        response = httpx.get(f"{url}/readyz")
        assert httpx.get(f"{url}/healthz").status_code == 200  # alive all the same
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "schema is not applied" in body["reason"]
    assert "cxgraph schema apply" in body["reason"]


async def test_readyz_is_unavailable_when_the_engine_is_down() -> None:
    path = short_tmp_dir("cxg-down-")
    owner = await FalkorStore.open(EmbeddedEngine(path), "test")  # starts and owns the engine
    stopped = False
    try:
        await owner.apply_schema()
        app = create_app(
            ApiSettings(demo=True), StoreSettings(engine="falkordb", data_dir=path, graph="test")
        )
        with served(app) as url:
            assert httpx.get(f"{url}/readyz").status_code == 200
            await owner.close()  # stops the engine under the running app
            stopped = True
            response = httpx.get(f"{url}/readyz")
            assert httpx.get(f"{url}/healthz").status_code == 503
    finally:
        if not stopped:
            await owner.close()
        shutil.rmtree(path, ignore_errors=True)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "engine": "falkordb",
        "reason": "the graph engine (falkordb) does not answer",
    }


# -- metrics --------------------------------------------------------------------------------


def test_metrics_count_a_graphql_request_and_its_engine_queries(api_url: str) -> None:
    before = metrics(api_url)
    response = httpx.post(
        f"{api_url}/graphql",
        json={"query": AFFECTING, "variables": {"id": "pp-switch-hidden-fees"}},
    )
    assert response.status_code == 200
    assert "errors" not in response.json()
    after = metrics(api_url)

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    http = {"method": "POST", "route": "/graphql"}
    assert grew("cxgraph_http_requests_total", **http, status="200") == 1
    assert grew("cxgraph_http_request_duration_seconds_count", **http) == 1
    assert grew("cxgraph_http_request_duration_seconds_sum", **http) > 0
    assert grew("cxgraph_graphql_operations_total", operation="Affecting", outcome="ok") == 1
    assert grew("cxgraph_graphql_errors_total", operation="Affecting") == 0
    # one DataLoader lookup of the pain point, one cross-silo query
    assert grew("cxgraph_engine_queries_total", query="painpoint/affecting_teams") == 1
    assert grew("cxgraph_engine_queries_total") == 2
    assert grew("cxgraph_engine_query_seconds_total", query="painpoint/affecting_teams") > 0
    assert grew("cxgraph_engine_round_trip_seconds_total", query="painpoint/affecting_teams") > 0
    assert sample(after, "process_resident_memory_bytes") > 0


def test_metrics_count_graphql_errors(api_url: str) -> None:
    before = metrics(api_url)
    body = httpx.post(f"{api_url}/graphql", json={"query": "query Broken { nope }"}).json()
    assert body["errors"]
    after = metrics(api_url)
    ops = {"operation": "Broken", "outcome": "error"}
    assert sample(after, "cxgraph_graphql_operations_total", **ops) == (
        sample(before, "cxgraph_graphql_operations_total", **ops) + 1
    )
    assert sample(after, "cxgraph_graphql_errors_total", operation="Broken") == (
        sample(before, "cxgraph_graphql_errors_total", operation="Broken") + 1
    )


def test_metrics_label_operations_safely() -> None:
    m = Metrics()
    m.observe_operation(None, 0)
    m.observe_operation("bad name; drop", 1)
    for n in range(250):
        m.observe_operation(f"Op{n}", 0)
    text = m.exposition().decode()
    assert sample(text, "cxgraph_graphql_operations_total", operation="anonymous") == 1
    assert sample(text, "cxgraph_graphql_operations_total", operation="invalid") == 1
    assert sample(text, "cxgraph_graphql_operations_total", operation="Op0") == 1
    assert sample(text, "cxgraph_graphql_operations_total", operation="other") == 50


def test_each_app_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.observe_request("GET", "/healthz", 200, 0.001)
    assert sample(first.exposition().decode(), "cxgraph_http_requests_total") == 1
    assert sample(second.exposition().decode(), "cxgraph_http_requests_total") == 0
    create_app(ApiSettings(demo=True))  # two apps in one process: metric names do not clash
    create_app(ApiSettings(demo=True))


# -- request ids and the access log ---------------------------------------------------------


def test_a_request_id_is_echoed(api_url: str) -> None:
    response = httpx.get(f"{api_url}/healthz", headers={"X-Request-ID": "portal-42.a:b_c"})
    assert response.headers["x-request-id"] == "portal-42.a:b_c"


@pytest.mark.parametrize("given", [None, "has space", "x" * 65, "<script>", "é"])
def test_a_request_id_is_generated_unless_a_safe_one_is_given(
    api_url: str, given: str | None
) -> None:
    headers: dict[bytes, bytes] = {b"X-Request-ID": given.encode()} if given else {}
    first = httpx.get(f"{api_url}/healthz", headers=headers).headers["x-request-id"]
    second = httpx.get(f"{api_url}/healthz", headers=headers).headers["x-request-id"]
    assert first != second
    assert len(first) == 32
    int(first, 16)


def _access_record(caplog: pytest.LogCaptureFixture, request_id: str) -> logging.LogRecord:
    # the server writes the line before the end of the response: it is there already
    found = [
        r
        for r in caplog.records
        if r.name == "cxgraph.access" and getattr(r, "request_id", None) == request_id
    ]
    assert len(found) == 1, [r.getMessage() for r in caplog.records]
    return found[0]


def test_one_json_log_line_per_request(api_url: str, caplog: pytest.LogCaptureFixture) -> None:
    # a document of its own (the comment): no other test's answer to it is kept
    document = AFFECTING + "# test_one_json_log_line_per_request"
    with caplog.at_level(logging.INFO, logger="cxgraph.access"):
        for request_id in ("log-test-1", "log-test-2"):
            response = httpx.post(
                f"{api_url}/graphql",
                json={"query": document, "variables": {"id": "pp-switch-hidden-fees"}},
                headers={"X-Request-ID": request_id},
            )
            assert response.status_code == 200
        record = _access_record(caplog, "log-test-1")
        again = json.loads(log_formatter("json").format(_access_record(caplog, "log-test-2")))
    line = log_formatter("json").format(record)
    assert "\n" not in line
    fields = json.loads(line)
    assert fields["level"] == "INFO"
    assert fields["logger"] == "cxgraph.access"
    assert fields["request_id"] == "log-test-1"
    assert fields["method"] == "POST"
    assert fields["path"] == "/graphql"
    assert fields["status"] == 200
    assert fields["duration_ms"] > 0
    assert fields["graphql_operation"] == "Affecting"
    assert fields["graphql_errors"] == 0
    assert fields["engine_queries"] == 2
    assert fields["engine_ms"] > 0
    assert fields["answer"] == "computed"
    assert "time" in fields
    assert "POST /graphql 200" in fields["message"]
    # the same request again is answered with the kept answer, logged as such
    assert (again["answer"], again["engine_queries"], again["engine_ms"]) == ("reused", 0, 0)
    assert (again["graphql_operation"], again["route"], again["status"]) == (
        "Affecting",
        "/graphql",
        200,
    )


def test_probes_are_logged_at_debug(api_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="cxgraph.access"):
        httpx.get(f"{api_url}/healthz", headers={"X-Request-ID": "probe-1"})
        assert _access_record(caplog, "probe-1").levelno == logging.DEBUG


def test_console_format_shows_the_request_id() -> None:
    record = logging.LogRecord("cxgraph.access", logging.INFO, __file__, 1, "GET /x", (), None)
    record.request_id = "abc"
    assert "[abc] GET /x" in log_formatter("console").format(record)
    plain = logging.LogRecord("cxgraph.api", logging.INFO, __file__, 1, "ready", (), None)
    assert "[-] ready" in log_formatter("console").format(plain)


def test_log_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXGRAPH_LOG_LEVEL", "debug")
    monkeypatch.setenv("CXGRAPH_LOG_FORMAT", "Console")
    settings = ApiSettings(_env_file=None)
    assert (settings.log_level, settings.log_format) == ("DEBUG", "console")
    monkeypatch.setenv("CXGRAPH_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="log_format"):
        ApiSettings(_env_file=None)


async def test_an_unhandled_error_is_logged_with_its_stack_and_answered_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def failing_app(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("boom")

    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/boom",
        "headers": [(b"x-request-id", b"err-1")],
    }
    metrics_ = Metrics()
    with caplog.at_level(logging.INFO, logger="cxgraph.access"):
        await ObservabilityMiddleware(failing_app, metrics_)(scope, receive, send)
    assert sent[0]["status"] == 500
    assert (b"x-request-id", b"err-1") in sent[0]["headers"]
    assert json.loads(sent[1]["body"]) == {"detail": "Internal Server Error", "requestId": "err-1"}
    record = _access_record(caplog, "err-1")
    assert record.levelno == logging.ERROR
    fields = json.loads(log_formatter("json").format(record))
    assert fields["status"] == 500
    assert "RuntimeError: boom" in fields["exc_info"]
    assert "Traceback" in fields["exc_info"]
    text = metrics_.exposition().decode()
    assert sample(text, "cxgraph_http_requests_total", route="unmatched", status="500") == 1


# -- GraphQL over HTTP media types ----------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("application/graphql-response+json", True),
        ("application/graphql-response+json, application/json", True),
        ("application/json, application/graphql-response+json;q=0.9", False),
        ("application/graphql-response+json;q=0", False),
        ("application/graphql-response+json;q=oops, application/json", False),
    ],
)
def test_graphql_response_json_is_chosen_when_preferred(accept: str, expected: bool) -> None:
    assert prefers_graphql_response_json(accept) is expected


def test_a_request_error_is_400_with_the_graphql_media_type(api_url: str) -> None:
    response = httpx.post(
        f"{api_url}/graphql",
        json={"query": "{ nope"},
        headers={"Accept": "application/graphql-response+json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/graphql-response+json"
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["message"].startswith("Syntax Error")


def test_a_request_error_stays_200_for_legacy_json_clients(api_url: str) -> None:
    response = httpx.post(f"{api_url}/graphql", json={"query": "{ nope"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] is None
