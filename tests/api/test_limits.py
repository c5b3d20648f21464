"""Limits on a request's cost and masking of unexpected errors, over real HTTP and directly."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import httpx
import pytest
import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.fastapi import BaseContext
from strawberry.types import ExecutionResult, Info

from api.errors import UserError
from api.limits import (
    LimitExceeded,
    Limits,
    MaskUnexpectedErrors,
    RequestLimits,
    is_expected,
    page_size,
)
from api.settings import ApiSettings
from queries.errors import NotFound, QueryError
from tests.api.conftest import Serve, api_settings

PAIN_POINT = '{ painPoint(id: "pp-switch-hidden-fees") { name } }'


def post(url: str, query: str, **headers: str) -> httpx.Response:
    return httpx.post(f"{url}/graphql", json={"query": query}, headers=headers)


def messages(response: httpx.Response) -> list[str]:
    return [error["message"] for error in response.json()["errors"]]


# -- settings -------------------------------------------------------------------------------


def test_the_defaults_are_those_of_the_settings() -> None:
    assert Limits.from_settings(api_settings()) == Limits()
    assert Limits().max_page_size == ApiSettings.model_fields["max_page_size"].default == 100
    assert Limits.from_settings(api_settings(demo=True)).mask_errors is False
    assert Limits.from_settings(api_settings(demo=True, mask_errors=True)).mask_errors is True
    assert Limits.from_settings(api_settings(mask_errors=False)).mask_errors is False


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXGRAPH_MAX_QUERY_DEPTH", "5")
    monkeypatch.setenv("CXGRAPH_INTROSPECTION", "false")
    monkeypatch.setenv("CXGRAPH_REQUEST_TIMEOUT_S", "2.5")
    limits = Limits.from_settings(api_settings())
    assert (limits.max_depth, limits.introspection, limits.request_timeout_s) == (5, False, 2.5)
    monkeypatch.setenv("CXGRAPH_MAX_PAGE_SIZE", "0")
    with pytest.raises(ValueError, match="max_page_size"):
        api_settings()


def test_the_same_limits_give_the_same_rules() -> None:
    # ValidationCache keys on the rule classes: new classes per request would never hit it
    assert Limits(max_depth=4).validation_rules() is Limits(max_depth=4).validation_rules()
    assert Limits(max_depth=4).validation_rules() != Limits(max_depth=5).validation_rules()
    assert len(Limits(introspection=False).validation_rules()) == 3


# -- page size ------------------------------------------------------------------------------


def test_page_size_checks_first() -> None:
    limits = Limits(max_page_size=50)
    assert limits.page_size(10) == 10
    assert limits.page_size(0) == 0
    assert limits.page_size(None) == 50
    assert limits.page_size(None, default=20) == 20
    assert limits.page_size(None, default=80) == 50
    with pytest.raises(LimitExceeded, match=r"first must be at most 50, not 51: ask for the next"):
        limits.page_size(51)
    with pytest.raises(UserError, match="first must be 0 or more, not -1"):
        limits.page_size(-1)
    assert page_size(None) == Limits().max_page_size  # outside a request: the defaults


@dataclass
class SmallContext(BaseContext):
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        super().__init__()


async def _items(first: int | None = None) -> list[int]:
    return list(range(page_size(first, default=3)))


async def _slow(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "done"


def _broken() -> str | None:
    raise QueryError("engine said: something internal at /var/lib/cxgraph/engine.sock")


def _refused() -> str | None:
    raise UserError("name must not be empty")


def _missing() -> str | None:
    raise NotFound("no Team has id team-x")


@strawberry.type
class SmallQuery:
    items: list[int] = strawberry.field(resolver=_items)
    slow: str = strawberry.field(resolver=_slow)
    broken: str | None = strawberry.field(resolver=_broken)
    refused: str | None = strawberry.field(resolver=_refused)
    missing: str | None = strawberry.field(resolver=_missing)

    @strawberry.field
    def child(self) -> SmallQuery:
        return SmallQuery()

    @strawberry.field
    def depth(self, info: Info[SmallContext, None]) -> int:
        return info.context.limits.max_depth


small_schema = strawberry.Schema(
    query=SmallQuery,
    extensions=[
        RequestLimits,
        MaskUnexpectedErrors,
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
    ],
)


async def run(query: str, limits: Limits | None = None) -> ExecutionResult:
    return await small_schema.execute(query, context_value=SmallContext(limits or Limits()))


async def test_page_size_reads_the_limits_of_the_request() -> None:
    assert (await run("{ items }", Limits(max_page_size=2))).data == {"items": [0, 1]}
    assert (await run("{ items(first: 5) }", Limits(max_page_size=10))).data == {
        "items": [0, 1, 2, 3, 4]
    }
    result = await run("{ items(first: 5) }", Limits(max_page_size=4))
    assert result.errors is not None
    (error,) = result.errors
    assert error.message == "first must be at most 4, not 5: ask for the next page with `after`"
    assert error.extensions == {"code": "LIMIT_EXCEEDED"}


# -- each limit -----------------------------------------------------------------------------


async def test_one_schema_serves_different_limits() -> None:
    # depth counts the levels below the top-level fields: `depth` is at depth 3
    deep = "{ child { child { child { depth } } } }"
    answer = {"child": {"child": {"child": {"depth": 3}}}}
    assert (await run(deep, Limits(max_depth=3))).data == answer
    result = await run(deep, Limits(max_depth=2))
    assert result.errors is not None
    assert result.errors[0].message == "'anonymous' exceeds maximum operation depth of 2"
    assert (await run(deep, Limits(max_depth=3))).data == answer  # validation cached per limit


async def test_a_slow_operation_times_out() -> None:
    result = await run("{ slow(seconds: 5) }", Limits(request_timeout_s=0.05))
    assert result.data is None
    assert result.errors is not None
    (error,) = result.errors
    assert error.message.startswith("The request took longer than 0.05 s and was stopped")
    assert error.extensions == {"code": "TIMEOUT"}
    assert (await run("{ slow(seconds: 0.01) }", Limits(request_timeout_s=1))).data == {
        "slow": "done"
    }


def test_expected_errors_are_those_raised_on_purpose() -> None:
    path = ["field"]
    assert is_expected(GraphQLError("Cannot query field 'x'"))  # validation: no path
    assert is_expected(GraphQLError("refused", path=path))
    assert is_expected(GraphQLError("x", path=path, original_error=UserError("bad input")))
    assert is_expected(GraphQLError("x", path=path, original_error=NotFound("gone")))
    assert is_expected(GraphQLError("x", path=path, original_error=GraphQLError("on purpose")))
    assert not is_expected(GraphQLError("x", path=path, original_error=QueryError("internal")))
    assert not is_expected(GraphQLError("x", path=path, original_error=KeyError("name")))


async def test_unexpected_errors_are_masked_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    query = "{ broken refused missing }"
    with caplog.at_level(logging.ERROR, logger="cxgraph.limits"):
        result = await run(query)
    assert result.errors is not None
    shown = {tuple(e.path or []): (e.message, e.extensions) for e in result.errors}
    message, extensions = shown[("broken",)]
    assert message == "Unexpected error."
    assert extensions is not None
    assert extensions["code"] == "INTERNAL_SERVER_ERROR"
    assert shown[("refused",)] == ("name must not be empty", {})
    assert shown[("missing",)][0] == "no Team has id team-x"
    (record,) = [r for r in caplog.records if r.name == "cxgraph.limits"]
    assert extensions["requestId"] in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], QueryError)
    # in demo mode (mask_errors off) the message is shown as it is
    unmasked = await run("{ broken }", Limits(mask_errors=False))
    assert unmasked.errors is not None
    assert unmasked.errors[0].message.startswith("engine said: something internal")


# -- over HTTP ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limited_url(serve_for_module: Serve) -> str:
    return serve_for_module(
        api_settings(
            anonymous_role="reader",
            max_query_depth=2,
            max_aliases=2,
            max_tokens=40,
            max_page_size=5,
            introspection=False,
        )
    )


def test_depth_limit_over_http(limited_url: str) -> None:
    ok = '{ painPoint(id: "pp-switch-hidden-fees") { affectingTeams { role } } }'
    assert post(limited_url, ok).json()["data"]["painPoint"]["affectingTeams"]
    deep = 'query Deep { painPoint(id: "pp-x") { affectingTeams { team { id } } } }'
    response = post(limited_url, deep)
    assert response.json()["data"] is None
    assert messages(response) == ["'Deep' exceeds maximum operation depth of 2"]


def test_alias_limit_over_http(limited_url: str) -> None:
    two = '{ a: painPoint(id: "pp-a") { id } b: painPoint(id: "pp-b") { id } }'
    assert post(limited_url, two).json()["data"] == {"a": None, "b": None}
    three = '{ a: team(id: "a") { id } b: team(id: "b") { id } c: team(id: "c") { id } }'
    assert messages(post(limited_url, three)) == ["3 aliases found. Allowed: 2"]


def test_token_limit_over_http(limited_url: str) -> None:
    fields = " ".join(["name"] * 40)
    response = post(limited_url, f'{{ painPoint(id: "pp-a") {{ {fields} }} }}')
    assert messages(response) == [
        "Syntax Error: Document contains more than 40 tokens. Parsing aborted."
    ]


def test_introspection_can_be_switched_off(limited_url: str) -> None:
    response = post(limited_url, "{ __schema { queryType { name } } }")
    assert response.json()["data"] is None
    assert messages(response)[0] == (
        "GraphQL introspection has been disabled, but the requested query contained the field "
        "'__schema'."
    )
    assert post(limited_url, "{ __typename }").json()["data"] == {"__typename": "Query"}


def test_introspection_is_on_by_default(api_url: str) -> None:
    body = post(api_url, "{ __schema { queryType { name } } }").json()
    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}


def test_a_request_over_its_time_is_stopped(serve: Serve) -> None:
    url = serve(api_settings(anonymous_role="reader", request_timeout_s=0.000001))
    response = post(url, PAIN_POINT)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["message"].startswith("The request took longer than 1e-06 s and was stopped")
    assert error["extensions"] == {"code": "TIMEOUT"}
    assert httpx.get(f"{url}/healthz").status_code == 200  # the server goes on


def test_production_masks_unexpected_errors_and_logs_them(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    # the graph "absent" does not exist: the engine refuses every read, an unexpected error
    url = serve(api_settings(anonymous_role="reader"), graph="absent")
    with caplog.at_level(logging.ERROR, logger="cxgraph.limits"):
        response = post(url, PAIN_POINT, **{"X-Request-ID": "req-masking-1"})
    (error,) = response.json()["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-masking-1"}
    assert "absent" not in response.text
    (record,) = [r for r in caplog.records if r.name == "cxgraph.limits"]
    assert "request req-masking-1" in record.getMessage()
    assert "does not exist yet" in record.getMessage()
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], QueryError)
    # errors raised on purpose stay visible in production
    refused = post(url, "{ teams(first: 1000) { totalCount } }")
    assert refused.json()["errors"][0]["message"].startswith("first must be")
    invalid = post(url, "{ painPoint { name } }")
    assert "of type 'ID!' is required" in invalid.json()["errors"][0]["message"]


def test_demo_mode_shows_errors_as_they_are(serve: Serve) -> None:
    url = serve(api_settings(demo=True), graph="absent")
    (error,) = post(url, PAIN_POINT).json()["errors"]
    assert "does not exist yet" in error["message"]
