"""Cypher over HTTP for analysts: ad-hoc read statements and the named query library.

`POST /cypher` runs one read statement, `GET /queries` lists the named queries and
`POST /queries/{name}` runs one; all need the analyst role. Statements pass the read-only
guard and run read-only on the engine, within a timeout, and return at most `limit` rows —
the answer says when there were more. `?format=csv` (or `Accept: text/csv`) gives CSV.
A few analyst queries run at a time, so that heavy exploration cannot starve the portals.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from api.security import Role, require_role
from queries.console import DEFAULT_ROW_LIMIT, QueryOutput, named_queries, render, run_cypher
from queries.console import run_named as run_named_query
from queries.errors import QueryError, QueryRefused, UnknownQuery
from queries.store import GraphStore

Format = Annotated[Literal["json", "csv"] | None, Query(description="json (default) or csv")]

MAX_ROW_LIMIT = 100_000
MAX_CONCURRENT = 2
"""Analyst queries running at once in one API process; others wait for a slot."""


class CypherRequest(BaseModel):
    """One read statement and its parameters."""

    query: str = Field(min_length=1, max_length=100_000, description="One Cypher statement.")
    params: dict[str, Any] = Field(default_factory=dict, description="Its parameters.")
    limit: int = Field(default=DEFAULT_ROW_LIMIT, ge=1, le=MAX_ROW_LIMIT, description="Row cap.")
    timeout_s: float | None = Field(
        default=None, gt=0, le=300, description="Seconds it may run (default: the store's)."
    )


class NamedRequest(BaseModel):
    """Parameters of a named query."""

    params: dict[str, Any] = Field(default_factory=dict)
    limit: int = Field(default=DEFAULT_ROW_LIMIT, ge=1, le=MAX_ROW_LIMIT)
    timeout_s: float | None = Field(default=None, gt=0, le=300)


def _store(request: Request) -> GraphStore:
    store: GraphStore = request.state.store
    return store


def _wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    return "text/csv" in request.headers.get("accept", "")


def _answer(output: QueryOutput, csv: bool) -> Response:
    if csv:
        headers = {"X-Row-Limit": str(output.limit), "X-Truncated": str(output.truncated).lower()}
        return PlainTextResponse(render(output, "csv"), media_type="text/csv", headers=headers)
    return JSONResponse(output.as_dict())


def analyst_router() -> APIRouter:
    """The routes; each app gets its own (and its own limit of queries at a time)."""
    router = APIRouter(dependencies=[Depends(require_role(Role.ANALYST))], tags=["analysts"])
    slots = asyncio.Semaphore(MAX_CONCURRENT)

    async def guarded(run: Any) -> QueryOutput:
        async with slots:
            try:
                output: QueryOutput = await run
            except QueryRefused as exc:
                raise HTTPException(400, {"error": "refused", "message": str(exc)}) from None
            except UnknownQuery as exc:
                raise HTTPException(404, {"error": "unknown_query", "message": str(exc)}) from None
            except QueryError as exc:
                raise HTTPException(400, {"error": "query", "message": str(exc)}) from None
        return output

    @router.post("/cypher", summary="Run one read-only Cypher statement.")
    async def cypher(
        body: CypherRequest,
        request: Request,
        store: Annotated[GraphStore, Depends(_store)],
        format: Format = None,
    ) -> Response:
        output = await guarded(
            run_cypher(store, body.query, body.params, limit=body.limit, timeout_s=body.timeout_s)
        )
        return _answer(output, _wants_csv(request, format))

    @router.get("/queries", summary="The named queries: name, purpose, whether read-only.")
    async def queries() -> list[dict[str, Any]]:
        return [
            {"name": q.name, "purpose": q.purpose, "readOnly": q.reads_only}
            for q in named_queries()
        ]

    @router.post("/queries/{name:path}", summary="Run a named read-only query.")
    async def run_named(
        name: str,
        body: NamedRequest,
        request: Request,
        store: Annotated[GraphStore, Depends(_store)],
        format: Format = None,
    ) -> Response:
        output = await guarded(
            run_named_query(store, name, body.params, limit=body.limit, timeout_s=body.timeout_s)
        )
        return _answer(output, _wants_csv(request, format))

    return router
