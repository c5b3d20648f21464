"""Shared fixtures: a real embedded engine holding the demo company, and a real HTTP server."""

from __future__ import annotations

import asyncio
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.settings import ApiSettings
from loaders.pipeline import demo_sources, load
from queries.embedded import EmbeddedEngine
from queries.falkor import FalkorStore
from queries.settings import StoreSettings
from queries.store import GraphStore


def short_tmp_dir(prefix: str) -> Path:
    """A fresh directory with a short path (unix socket paths are limited to ~107 bytes)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


@pytest.fixture(scope="session")
def demo_dir() -> Iterator[Path]:
    """Data directory of the session's engine holding the demo graph."""
    path = short_tmp_dir("cxg-demo-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
async def demo_store(demo_dir: Path) -> AsyncIterator[GraphStore]:
    """A store on the real embedded engine, with the demo company loaded once per session.

    Tests must not write to it; tests that write use `empty_store`.
    """
    store = await FalkorStore.open(EmbeddedEngine(demo_dir), "demo")
    try:  # a failing load still stops the engine
        await store.apply_schema()
        await load(store, demo_sources(), agent="tests")
        yield store
    finally:
        await store.close()


@pytest.fixture
async def demo_store_copy(demo_store: GraphStore) -> AsyncIterator[FalkorStore]:
    """A writable copy of the demo graph (graph `copy` on the session's engine)."""
    assert isinstance(demo_store, FalkorStore)
    copy = await demo_store.copy_to("copy")
    yield copy
    await copy.drop()


@pytest.fixture
async def empty_store() -> AsyncIterator[FalkorStore]:
    """A store on its own fresh embedded engine, with the schema applied."""
    path = short_tmp_dir("cxg-")
    store = await FalkorStore.open(EmbeddedEngine(path), "test")
    try:
        await store.apply_schema()
        yield store
    finally:
        await store.close()
        shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own handlers
        pass


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """Base URL of a real uvicorn server running `app` for the `with` block."""
    port = free_port()
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def api_url(demo_store: GraphStore, demo_dir: Path) -> Iterator[str]:
    """Base URL of a real uvicorn server running the API over the demo graph."""
    app = create_app(
        ApiSettings(demo=True),
        StoreSettings(engine="falkordb", data_dir=demo_dir, graph="demo"),
    )
    with served(app) as url:
        yield url
