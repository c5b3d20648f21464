"""GraphQL over HTTP: strawberry's FastAPI router, also speaking the spec's own media type.

The GraphQL over HTTP specification defines `application/graphql-response+json`, with
which a status code can be trusted: a request the server refused before executing it (a
syntax or validation error, variables that do not fit) is answered 400 with `errors` and no
`data` entry. Strawberry answers `application/json` only, always 200 for those. This router
answers `application/graphql-response+json` to clients that rank it at least as high as
`application/json` in `Accept`, and keeps the legacy `application/json` behaviour for the
others (no `Accept`, `*/*`, or `application/json` preferred).
"""

from __future__ import annotations

from typing import overload

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.unset import UNSET

from api.context import Context

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
_REQUEST_ERROR = "cxgraph.graphql_request_error"  # scope key: refused before execution


def prefers_graphql_response_json(accept: str) -> bool:
    """True when `accept` ranks `application/graphql-response+json` at least as high as
    `application/json` (and accepts it at all)."""
    new = legacy = 0.0
    for media_range in accept.split(","):
        media, *params = media_range.split(";")
        media = media.strip().lower()
        if media not in (GRAPHQL_RESPONSE_JSON, "application/json"):
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media == GRAPHQL_RESPONSE_JSON:
            new = max(new, q)
        else:
            legacy = max(legacy, q)
    return new > 0 and new >= legacy


def is_request_error(result: ExecutionResult) -> bool:
    """True for a result refused before execution: parsing, validation, variable coercion.

    Errors raised while executing always have a `path`; those raised before do not.
    """
    if isinstance(result, PreExecutionError):
        return True
    errors: list[GraphQLError] = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


class GraphQLHTTPRouter(GraphQLRouter[Context, None]):
    """`GraphQLRouter` answering `application/graphql-response+json` when preferred."""

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if is_request_error(result) and prefers_graphql_response_json(
            request.headers.get("accept", "")
        ):
            response.pop("data", None)
            request.scope[_REQUEST_ERROR] = True
        return response

    @overload
    async def run(
        self, request: Request, context: Context = UNSET, root_value: None = UNSET
    ) -> Response: ...

    @overload
    async def run(
        self, request: WebSocket, context: Context = UNSET, root_value: None = UNSET
    ) -> WebSocket: ...

    async def run(
        self, request: Request | WebSocket, context: Context = UNSET, root_value: None = UNSET
    ) -> Response | WebSocket:
        response = await super().run(request, context, root_value)
        if (
            isinstance(response, Response)
            and response.media_type == "application/json"
            and prefers_graphql_response_json(request.headers.get("accept", ""))
        ):
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
            if request.scope.get(_REQUEST_ERROR):
                response.status_code = 400
        return response
