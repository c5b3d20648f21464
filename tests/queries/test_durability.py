"""Durability of the embedded engine: committed writes survive `kill -9`, and after a large
load plus compaction the append-only log holds only a short tail, so a restart replays little.

Each test runs its own engines in its own short data directory and stops them in `finally`.
Timings are printed (visible with `pytest -s`), never asserted.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from queries.embedded import PID_NAME, EmbeddedEngine, process_alive
from queries.falkor import FalkorStore
from queries.store import Row
from tests.conftest import short_tmp_dir

GRAPH = "durability"
CUSTOMERS = 100_000
SEGMENTS = 5
BATCH = 5_000
READ_CHUNK = 10_000
TAIL_LIMIT_BYTES = 1_000_000
RESTART_TIMEOUT_S = 120.0

UPSERT_CUSTOMER = "upsert/node/Customer"
UPSERT_SEGMENT = "upsert/node/Segment"
UPSERT_IN_SEGMENT = "upsert/rel/Customer-IN_SEGMENT-Segment"


@contextlib.contextmanager
def data_dir() -> Iterator[Path]:
    """A fresh short data directory, removed afterwards."""
    path = short_tmp_dir("cxg-dur-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def engine_pid(data_dir: Path) -> int:
    return int((data_dir / PID_NAME).read_text().strip())


def kill_9(store: FalkorStore) -> int:
    """SIGKILL the store's engine and wait until the process is gone; returns its pid."""
    engine = store.embedded
    pid = engine_pid(engine.data_dir)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    # is_running() also reaps the dead child (our process started it), so process_alive() turns False.
    while engine.is_running() or process_alive(pid):
        assert time.monotonic() < deadline, f"the engine {pid} survived SIGKILL"
        time.sleep(0.01)
    return pid


def aof_sizes(data_dir: Path) -> tuple[int, int]:
    """Total bytes of the base snapshot(s) and of the incremental logs of the append-only dir."""
    files = list((data_dir / "appendonlydir").iterdir())
    base = sum(f.stat().st_size for f in files if ".base." in f.name)
    incr = sum(f.stat().st_size for f in files if f.name.endswith(".incr.aof"))
    names = [f.name for f in files]
    assert base, names
    assert any(name.endswith(".incr.aof") for name in names), names
    return base, incr


# -- a committed write survives kill -9 ------------------------------------------------------


async def test_committed_write_survives_kill_9() -> None:
    team: Row = {
        "id": "team-care",
        "props": {"name": "Customer Care", "kind": "department", "verifiedAt": "2026-10-05"},
    }
    with data_dir() as path:
        async with contextlib.AsyncExitStack() as stores:
            store = await FalkorStore.open(EmbeddedEngine(path), GRAPH)
            stores.push_async_callback(store.close)
            await store.apply_schema()
            result = await store.write("upsert/node/Team", {"rows": [team]})
            assert result.counters["nodes_created"] == 1

            pid = kill_9(store)

            restarted = await FalkorStore.open(EmbeddedEngine(path), GRAPH)
            stores.push_async_callback(restarted.close)  # closed first: callbacks run LIFO
            assert restarted.embedded.started_here  # a new engine, not the dead one
            assert engine_pid(path) != pid
            rows = await restarted.read("get/node/Team", {"ids": [team["id"]]})
            assert rows == [{"node": {"id": team["id"], **team["props"]}}]


# -- a large load, then kill -9 --------------------------------------------------------------


def customer_ids() -> Iterator[str]:
    return (f"cust-{i:06d}" for i in range(CUSTOMERS))


def customer_rows() -> Iterator[Row]:
    for i, cid in enumerate(customer_ids()):
        props = {"name": f"Customer {i}", "email": f"c{i}@example.com", "since": "2024-01-15"}
        yield {"id": cid, "props": props}


def as_node(row: Row) -> dict[str, Any]:
    """The `node` map that `nodes/<Label>` returns for the node an upsert row wrote."""
    return {"id": row["id"], **row["props"]}


def segment_id(i: int) -> str:
    return f"seg-{i % SEGMENTS}"


def membership_rows() -> Iterator[Row]:
    return ({"from": cid, "to": segment_id(i), "props": {}} for i, cid in enumerate(customer_ids()))


TAIL = [{"id": f"cust-late-{i}", "props": {"name": f"Late {i}"}} for i in range(3)]


@dataclass
class Timings:
    nodes_s: float = 0.0
    rels_s: float = 0.0
    compact_s: float | None = None
    restart_s: float = 0.0


async def bulk_load(store: FalkorStore, *, compact: bool) -> Timings:
    """Schema, 5 segments, CUSTOMERS customers and as many IN_SEGMENT relationships; then
    (if `compact`) compaction; then a few more customers that end up in the log's tail."""
    timings = Timings()
    await store.apply_schema()
    segments = [{"id": segment_id(i), "props": {"name": f"Segment {i}"}} for i in range(SEGMENTS)]
    await store.write_rows(UPSERT_SEGMENT, segments)
    started = time.perf_counter()
    assert await store.write_rows(UPSERT_CUSTOMER, customer_rows(), batch_size=BATCH) == CUSTOMERS
    timings.nodes_s = time.perf_counter() - started
    started = time.perf_counter()
    sent = await store.write_rows(UPSERT_IN_SEGMENT, membership_rows(), batch_size=BATCH)
    assert sent == CUSTOMERS
    timings.rels_s = time.perf_counter() - started
    if compact:
        started = time.perf_counter()
        await store.after_bulk_load()
        timings.compact_s = time.perf_counter() - started
    await store.write_rows(UPSERT_CUSTOMER, TAIL)
    return timings


async def write_in_chunks(store: FalkorStore, name: str, rows: list[Row]) -> dict[str, int]:
    """Send `rows` in BATCH-sized writes; the engine counters summed over them."""
    totals: dict[str, int] = {}
    for start in range(0, len(rows), BATCH):
        result = await store.write(name, {"rows": rows[start : start + BATCH]})
        for key, value in result.counters.items():
            totals[key] = totals.get(key, 0) + value
    return totals


async def check_everything_is_back(store: FalkorStore, *, read_every_node: bool) -> None:
    """Every customer with its properties, and every IN_SEGMENT relationship.

    With `read_every_node`, every customer is read back with `get/node/Customer` in chunks
    (slow-ish: the client decodes 100k maps); otherwise a sample is read back and
    re-upserting every customer creates no node. Once every customer is known to exist,
    re-upserting every relationship creating none shows they all survived.
    """
    expected = {row["id"]: as_node(row) for row in [*customer_rows(), *TAIL]}
    ids = list(expected)
    sample = ids if read_every_node else list(dict.fromkeys([*ids[::997], *ids[-len(TAIL) :]]))
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(sample), READ_CHUNK):
        rows = await store.read("get/node/Customer", {"ids": sample[start : start + READ_CHUNK]})
        found |= {row["node"]["id"]: row["node"] for row in rows}
    assert len(found) == len(sample)
    assert found == {cid: expected[cid] for cid in sample}
    if not read_every_node:
        counters = await write_in_chunks(store, UPSERT_CUSTOMER, list(customer_rows()))
        assert counters["nodes_created"] == 0

    counters = await write_in_chunks(store, UPSERT_IN_SEGMENT, list(membership_rows()))
    assert counters["relationships_created"] == 0


async def load_kill_restart(path: Path, *, compact: bool) -> Timings:
    async with contextlib.AsyncExitStack() as stores:
        store = await FalkorStore.open(EmbeddedEngine(path), GRAPH)
        stores.push_async_callback(store.close)
        timings = await bulk_load(store, compact=compact)

        base, incr = aof_sizes(path)
        print(
            f"\n{CUSTOMERS} customers in {timings.nodes_s:.2f} s, {CUSTOMERS} IN_SEGMENT in "
            f"{timings.rels_s:.2f} s, compaction "
            f"{'skipped' if timings.compact_s is None else f'{timings.compact_s:.2f} s'}; "
            f"append-only dir: base {base / 1e6:.2f} MB, incremental {incr / 1e3:.1f} kB"
        )
        if compact:
            # The mechanism: the snapshot holds the load, the incremental log only the tail.
            assert incr < TAIL_LIMIT_BYTES
            assert base > TAIL_LIMIT_BYTES
        else:
            # Contrast: without compaction the whole load stays in the incremental log.
            assert incr > TAIL_LIMIT_BYTES

        kill_9(store)

        started = time.perf_counter()
        engine = EmbeddedEngine(path, startup_timeout=RESTART_TIMEOUT_S)
        restarted = await FalkorStore.open(engine, GRAPH)
        timings.restart_s = time.perf_counter() - started
        stores.push_async_callback(restarted.close)
        assert restarted.embedded.started_here
        print(
            f"restart after kill -9 ({'with' if compact else 'without'} compaction): "
            f"{timings.restart_s:.2f} s"
        )
        await check_everything_is_back(restarted, read_every_node=compact)
    return timings


@pytest.mark.slow
async def test_large_load_compacted_then_kill_9_restarts_with_everything() -> None:
    with data_dir() as path:
        await load_kill_restart(path, compact=True)


@pytest.mark.slow
async def test_large_load_without_compaction_keeps_it_in_the_log_tail() -> None:
    # Contrast for the test above: same load, no compaction. Its restart time is printed only.
    with data_dir() as path:
        await load_kill_restart(path, compact=False)
