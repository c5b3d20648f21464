"""Real HTTP servers with settings of a test's own choosing, over the session's demo graph."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.settings import ApiSettings
from queries.settings import StoreSettings
from queries.store import GraphStore
from tests.conftest import served

Serve = Callable[..., str]
"""`serve(ApiSettings(...), graph="demo")`: the base URL of a server running that app."""


def api_settings(**values: Any) -> ApiSettings:
    """`ApiSettings` from these values and the environment, without any `.env` file."""
    return ApiSettings(_env_file=None, **values)


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
