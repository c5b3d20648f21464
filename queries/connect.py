"""Open the graph store that the settings name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from queries.embedded import EmbeddedEngine
from queries.settings import StoreSettings
from queries.store import GraphStore


async def open_store(settings: StoreSettings) -> GraphStore:
    """Connect to the configured engine, starting the embedded one if needed."""
    if settings.engine == "neo4j":
        from queries.neo4j_store import Neo4jStore

        assert settings.neo4j_uri is not None  # checked by StoreSettings
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        return await Neo4jStore.open(
            settings.neo4j_uri,
            settings.neo4j_user,
            password,
            settings.neo4j_database,
            timeout_s=settings.query_timeout_s,
            in_steps=settings.load_in_steps,
        )
    from queries.falkor import FalkorStore

    return await FalkorStore.open(
        EmbeddedEngine(settings.data_dir),
        settings.graph,
        timeout_s=settings.query_timeout_s,
        in_steps=settings.load_in_steps,
    )


@asynccontextmanager
async def store_session(settings: StoreSettings) -> AsyncIterator[GraphStore]:
    """An open store for the duration of a `async with` block."""
    store = await open_store(settings)
    try:
        yield store
    finally:
        await store.close()
