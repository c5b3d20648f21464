"""The FastAPI application: one graph store for the app's lifetime, GraphQL and health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, TypedDict

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from api.context import Context
from api.schema import schema
from api.settings import ApiSettings, get_api_settings
from queries.connect import open_store
from queries.settings import StoreSettings, get_store_settings
from queries.store import GraphStore


class State(TypedDict):
    """What the lifespan hands to every request (`request.state`)."""

    store: GraphStore


def get_store(request: Request) -> GraphStore:
    """The app's one graph store."""
    store: GraphStore = request.state.store
    return store


StoreDep = Annotated[GraphStore, Depends(get_store)]


async def get_context(store: StoreDep) -> Context:
    """A fresh GraphQL context (and DataLoaders) for each request."""
    return Context(store=store)


def create_app(
    settings: ApiSettings | None = None, store_settings: StoreSettings | None = None
) -> FastAPI:
    """Build the app; the graph connection opens when the app starts, not here."""
    api_settings = settings or get_api_settings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[State]:
        store = await open_store(store_settings or get_store_settings())
        try:
            yield {"store": store}
        finally:
            await store.close()

    app = FastAPI(
        title="cxgraph",
        summary="Customer journeys and the organisation behind them, in one graph.",
        lifespan=lifespan,
    )
    graphql: GraphQLRouter[Context, None] = GraphQLRouter(
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

    return app
