"""The FastAPI application: one graph store for the app's lifetime, GraphQL and health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Annotated, TypedDict

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from strawberry.fastapi import GraphQLRouter

from api.analyst import analyst_router
from api.answers import AnswerCache, ReusedAnswers
from api.context import Context
from api.graphql_http import GraphQLHTTPRouter
from api.limits import LimitsDep, install_limits
from api.observability import install_observability
from api.pages import pages_router
from api.schema import schema
from api.security import GraphQLPrincipalDep, Role, install_security, require_role
from api.settings import ApiSettings, get_api_settings
from queries.connect import open_store
from queries.errors import GraphBusy
from queries.schema_docs import schema_html
from queries.settings import StoreSettings, get_store_settings
from queries.store import GraphStore


class State(TypedDict):
    """What the lifespan hands to every request (`request.state`)."""

    store: GraphStore


async def get_store(request: Request) -> GraphStore:
    """The app's one graph store."""
    store: GraphStore = request.state.store
    return store


StoreDep = Annotated[GraphStore, Depends(get_store)]


async def get_context(
    store: StoreDep, principal: GraphQLPrincipalDep, limits: LimitsDep
) -> Context:
    """A fresh GraphQL context (and DataLoaders) for each request."""
    return Context(store=store, principal=principal, limits=limits)


def create_app(
    settings: ApiSettings | None = None, store_settings: StoreSettings | None = None
) -> FastAPI:
    """Build the app; the graph connection opens when the app starts, not here."""
    api_settings = settings or get_api_settings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        store = await open_store(store_settings or get_store_settings())
        try:
            # never serve what a load that died left half-written (one under way finishes
            # or undoes itself)
            with suppress(GraphBusy):
                await store.recover()
            yield {"store": store}
        finally:
            await store.close()

    app = FastAPI(
        title="cxgraph",
        summary="Customer journeys and the organisation behind them, in one graph.",
        lifespan=lifespan,
    )
    install_security(app, api_settings)  # refuses to build an app without authentication
    install_limits(app, api_settings)
    graphql: GraphQLRouter[Context, None] = GraphQLHTTPRouter(
        schema,
        context_getter=get_context,
        graphql_ide="graphiql" if api_settings.graphiql else None,
    )
    app.include_router(graphql, prefix="/graphql")

    @app.get("/healthz", summary="Liveness: the process runs and the graph engine answers.")
    async def healthz(store: StoreDep) -> JSONResponse:
        ok = await store.ping()
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "engine": store.engine},
            status_code=200 if ok else 503,
        )

    app.include_router(analyst_router())
    app.include_router(pages_router())  # the web pages under /ui/

    @app.get(
        "/schema",
        summary="The graph's schema for analysts: labels, properties, relationships, examples.",
        response_class=HTMLResponse,
        dependencies=[Depends(require_role(Role.READER))],
    )
    async def schema_reference() -> HTMLResponse:
        return HTMLResponse(schema_html())

    # inside the observability middleware, so that reused answers are logged and counted
    answers = AnswerCache(round(api_settings.answer_cache_mb * 1024 * 1024))
    app.add_middleware(ReusedAnswers, cache=answers)
    install_observability(app, api_settings)  # /readyz, /metrics, request logs
    return app
