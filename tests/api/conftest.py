"""Real HTTP servers with settings of a test's own choosing, over the session's demo graph."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.settings import ApiSettings
from queries.settings import StoreSettings
from queries.store import GraphStore

Serve = Callable[..., str]
"""`serve(ApiSettings(...), graph="demo")`: the base URL of a server running that app."""


def api_settings(**values: Any) -> ApiSettings:
    """`ApiSettings` from these values and the environment, without any `.env` file."""
    return ApiSettings(_env_file=None, **values)


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own handlers
        pass


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


@contextmanager
def _servers(demo_dir: Path) -> Iterator[Serve]:
    with ExitStack() as stack:

        def serve(settings: ApiSettings, graph: str = "demo") -> str:
            store_settings = StoreSettings(engine="falkordb", data_dir=demo_dir, graph=graph)
            return stack.enter_context(served(create_app(settings, store_settings)))

        yield serve


@pytest.fixture
def serve(demo_store: GraphStore, demo_dir: Path) -> Iterator[Serve]:
    """Start API servers over the session's engine, stopped at the end of the test."""
    with _servers(demo_dir) as start:
        yield start


@pytest.fixture(scope="module")
def serve_for_module(demo_store: GraphStore, demo_dir: Path) -> Iterator[Serve]:
    """Start API servers over the session's engine, stopped at the end of the module."""
    with _servers(demo_dir) as start:
        yield start
