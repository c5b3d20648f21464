"""One interface to the graph, whichever engine holds it.

The rest of cxgraph talks to a `GraphStore`: `read` and `write` run one named query (a
write in one transaction), `write_rows` sends rows in batches through one named
`UNWIND $rows` query. Results are plain Python values — dicts, lists, strings, numbers,
booleans, None — identical from both engines; nodes, relationships and paths are refused.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from queries.errors import QueryError
from queries.registry import NamedQuery, get_query

Row = dict[str, Any]
T = TypeVar("T")
Params = Mapping[str, Any]

DEFAULT_BATCH_SIZE = 5000


def chunks(items: list[T], size: int = DEFAULT_BATCH_SIZE) -> Iterator[list[T]]:
    """`items` in slices of at most `size`, for queries that take a list."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Staged:
    """A unit of work in progress: a store to write through, and whether to keep it."""

    def __init__(self, store: QueryRunner) -> None:
        self.store = store
        self.discarded = False

    def discard(self) -> None:
        """Leave the graph as it was when the unit of work ends, without an error."""
        self.discarded = True


QueryListener = Callable[[str, float, float], None]
"""Called after each query with its name, the engine's time and the wall time (ms)."""


@dataclass
class QueryStats:
    """Counts of the engine round trips a store made, and the engine's own time for them."""

    round_trips: int = 0
    engine_ms: float = 0.0
    by_query: dict[str, int] = field(default_factory=dict)

    def record(self, name: str, engine_ms: float) -> None:
        """Count one round trip of the named query."""
        self.round_trips += 1
        self.engine_ms += engine_ms
        self.by_query[name] = self.by_query.get(name, 0) + 1


request_stats: ContextVar[QueryStats | None] = ContextVar("request_stats", default=None)
"""Round trips of the current unit of work (an HTTP request, say), when its owner sets one."""


@contextmanager
def counting_queries() -> Iterator[QueryStats]:
    """Count the engine round trips made inside the `with` block (in this task and its
    children)."""
    stats = QueryStats()
    token = request_stats.set(stats)
    try:
        yield stats
    finally:
        request_stats.reset(token)


@dataclass(frozen=True)
class Result:
    """Rows of one query and the time the engine itself reports for it."""

    rows: list[Row]
    engine_ms: float
    counters: Mapping[str, int] = field(default_factory=dict)
    columns: Sequence[str] = ()
    """The query's column names in order (also when it returned no row)."""


class QueryRunner(ABC):
    """Runs named queries; subclasses implement `_run` for one engine (or one transaction)."""

    overlaps_writes = False
    """True when writes may still run while the caller sends reads and further writes (the
    embedded engine: reads over connections of their own, writes sent by `send_write` in
    order over one); a Neo4j transaction runs one query at a time."""

    def __init__(self) -> None:
        self.stats = QueryStats()
        self.listeners: list[QueryListener] = []

    async def read(self, name: str, params: Params | None = None) -> list[Row]:
        """Rows of the named read query; the engine refuses it if it writes."""
        return (await self.execute(get_query(name), params or {}, write=False)).rows

    async def write(self, name: str, params: Params | None = None) -> Result:
        """Run the named query in one write transaction; its rows and the engine's counters."""
        return await self.execute(get_query(name), params or {}, write=True)

    async def write_rows(
        self,
        name: str,
        rows: Iterable[Row | list[Any]],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        params: Params | None = None,
    ) -> int:
        """Send `rows` (maps, or lists for the generated create queries) as `$rows` to the
        named query in batches; returns how many rows went.

        Each batch is one transaction; the caller owns atomicity across batches.
        """
        query = get_query(name)
        sent = 0
        batch: list[Row | list[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                await self.execute(query, {**(params or {}), "rows": batch}, write=True)
                sent += len(batch)
                batch = []
        if batch:
            await self.execute(query, {**(params or {}), "rows": batch}, write=True)
            sent += len(batch)
        return sent

    async def execute(
        self,
        query: NamedQuery,
        params: Params,
        *,
        write: bool,
        timeout_s: float | None = None,
        max_rows: int | None = None,
        once: bool = False,
    ) -> Result:
        """Run one query, counting it; every query of every caller passes here.

        `timeout_s` replaces the store's timeout for this query; with `max_rows`, at most that
        many rows come back (for analysts' queries: Neo4j stops fetching there). With `once`,
        a write runs at most once: never retried, even after an error that leaves unknown
        whether it ran (`_run_once`).
        """
        started = time.perf_counter()
        try:
            if once:
                result = await self._run_once(query.text, params)
            else:
                result = await self._run(
                    query.text, params, write=write, timeout_s=timeout_s, max_rows=max_rows
                )
        except QueryError as exc:
            raise self._failed(query.name, exc) from exc
        self._done(query.name, result.engine_ms, started)
        return result

    async def send_write(self, name: str, params: Params) -> asyncio.Future[Result]:
        """Send the named write query; return once the engine has taken it, with the future
        of its result. Where the engine takes writes in order without waiting for the one
        before to end (`overlaps_writes`), it runs after every write sent before it; elsewhere
        it has run already."""
        done = asyncio.get_running_loop().create_future()
        done.set_result(await self.write(name, params))
        return done

    async def _run_once(self, text: str, params: Params) -> Result:
        """Send one write that the engine runs at most once; Neo4j's driver retries the
        writes of `_run` on transient errors, which may run a write twice."""
        return await self._run(text, params, write=True)

    async def idle(self) -> None:
        """Return once no write sent by `send_write` is still under way (here each has run
        by the time it is sent)."""
        return None

    def _done(self, name: str, engine_ms: float, started: float) -> None:
        """Count a query that ran, and tell the listeners."""
        self._record(name, engine_ms)
        for listener in self.listeners:
            listener(name, engine_ms, (time.perf_counter() - started) * 1000)

    def _failed(self, name: str, exc: QueryError) -> QueryError:
        """Count a query that failed; the error to raise, naming the query."""
        self._record(name, 0.0)
        return QueryError(f"query {name}: {exc}")

    def _record(self, name: str, engine_ms: float) -> None:
        self.stats.record(name, engine_ms)
        if (current := request_stats.get()) is not None:
            current.record(name, engine_ms)

    @abstractmethod
    async def _run(
        self,
        text: str,
        params: Params,
        *,
        write: bool,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        """Send one query to the engine and return plain rows (at most `max_rows`)."""


class GraphStore(QueryRunner):
    """A connection to one graph: queries, schema, units of work, health."""

    engine: str
    """Short name of the engine: `falkordb` or `neo4j`."""
    in_steps: bool = False
    """True when `atomic` writes in steps that commit one by one, each after its undo step
    (queries/journal.py), instead of in one transaction or copy."""

    @abstractmethod
    async def schema_statements(self) -> list[str]:
        """The DDL statements that `apply_schema` would run now (those not yet applied)."""

    @abstractmethod
    async def apply_schema(self) -> list[str]:
        """Create the constraints and indexes the ontology asks for; returns those created.

        Idempotent: a second call creates nothing.
        """

    @abstractmethod
    def atomic(self) -> AbstractAsyncContextManager[Staged]:
        """A unit of work that lands whole or not at all.

        `async with store.atomic() as staged:` — write through `staged.store`; leaving the
        block normally commits, an exception (or `staged.discard()`) leaves the graph as it
        was. Only one unit of work runs on a graph at a time; a second one gets
        `GraphBusy`.
        """

    def exclusive(self) -> AbstractAsyncContextManager[None]:
        """Hold the graph's write lock: for a change made in one query (each query is atomic
        on both engines) that must not land in the middle of a unit of work, which could
        overwrite it. Raises `GraphBusy` while a unit of work runs. (Neo4j takes the lock of
        units of work in steps, queries/journal.py; its transactions isolate the others.)"""
        return nullcontext()

    async def recover(self) -> str | None:
        """Finish a unit of work in steps whose process died (queries/journal.py): undo it,
        or keep it if it had committed. What was done; None when nothing was left. Raises
        GraphBusy while a live process writes: it finishes its own unit of work."""
        from queries import journal

        return await journal.recover(self)

    async def after_bulk_load(self) -> None:
        """Called once a large load has been written; engines tidy up here."""

    async def version(self) -> str | None:
        """A token that changes whenever the graph changes, whichever process changes it; the
        same token means the same graph, so answers computed from it still hold. None when
        the engine cannot tell cheaply (answers are then never reused)."""
        return None

    @abstractmethod
    async def ping(self) -> bool:
        """True when the engine answers."""

    @abstractmethod
    async def close(self) -> None:
        """Release the connection (and stop an engine this store started)."""


def plain(value: Any) -> Any:
    """Turn an engine value into a plain Python value, refusing graph objects."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [plain(v) for v in value]
    to_native = getattr(value, "to_native", None)
    if callable(to_native):  # neo4j.time values
        return to_native()
    if hasattr(value, "isoformat"):  # datetime.date / datetime from FalkorDB
        return value
    raise QueryError(
        f"a query returned a {type(value).__name__}; return plain values or map projections"
    )
