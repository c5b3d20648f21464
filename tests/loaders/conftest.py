"""Fixtures of the loader tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from queries.settings import get_store_settings
from tests.conftest import short_tmp_dir


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An engine data directory of its own for `cxgraph` commands run in the test (graph
    `cli`), through the environment they read their settings from."""
    path = short_tmp_dir("cxg-cli-")
    monkeypatch.setenv("CXGRAPH_DATA_DIR", str(path))
    monkeypatch.setenv("CXGRAPH_GRAPH", "cli")
    get_store_settings.cache_clear()
    yield path
    get_store_settings.cache_clear()
    shutil.rmtree(path, ignore_errors=True)


def write(path: Path, content: str | bytes) -> Path:
    """Write `content` to `path`: bytes as they are, text as UTF-8."""
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
