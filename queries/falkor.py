"""The embedded FalkorDB backend: a child engine on a unix socket, driven by `falkordb`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

from falkordb.asyncio import FalkorDB
from falkordb.helpers import quote_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError

from ontology.model import Schema, load_schema
from queries import journal
from queries.ddl import falkordb_indexes
from queries.embedded import PID_NAME, EmbeddedEngine, process_alive
from queries.errors import EngineUnavailable, GraphBusy, QueryError
from queries.falkor_results import read_compact
from queries.registry import get_query
from queries.store import GraphStore, Params, QueryRunner, Result, Staged

_COUNTERS = {  # Result.counters key: the engine's statistic
    "nodes_created": "Nodes created",
    "nodes_deleted": "Nodes deleted",
    "relationships_created": "Relationships created",
    "relationships_deleted": "Relationships deleted",
    "properties_set": "Properties set",
}


# Statistics of a write query that mean it changed the graph ("Nodes created", "Properties
# removed", "Labels added", ...).
_CHANGE = re.compile(r"created|deleted|set|removed|added", re.IGNORECASE)


COPY_TIMEOUT_S = 300
"""Longest wait for GRAPH.COPY (about 2 s per million nodes and relationships)."""
_CHILD_PROCESSES = (
    "aof_rewrite_in_progress",
    "aof_rewrite_scheduled",
    "rdb_bgsave_in_progress",
    "module_fork_in_progress",
)
"""Fields of INFO persistence that say the engine has, or is about to start, a child."""
_CHILD_POLL_S = 0.02


def _version_key(graph: str) -> str:
    """The engine key holding the version token of `graph` (beside `~lock`, `~staging`)."""
    return f"{graph}~version"


class FalkorStore(GraphStore):
    """A graph on the embedded engine. Use `await FalkorStore.open(...)`."""

    engine = "falkordb"
    overlaps_writes = True

    def __init__(
        self,
        engine: EmbeddedEngine,
        client: Any,
        graph_name: str,
        *,
        timeout_s: float,
        schema: Schema,
        writes: _OrderedWrites | None = None,
        in_steps: bool = False,
    ) -> None:
        super().__init__()
        self.in_steps = in_steps
        self._engine = engine
        self._client = client
        self._writes = writes or _OrderedWrites(client)
        self._graph = client.select_graph(graph_name)
        self._graph_name = graph_name
        self._timeout_ms = int(timeout_s * 1000)
        self._schema = schema

    @classmethod
    async def open(
        cls,
        engine: EmbeddedEngine,
        graph_name: str = "cxgraph",
        *,
        timeout_s: float = 30.0,
        schema: Schema | None = None,
        in_steps: bool = False,
    ) -> FalkorStore:
        """Start (or reuse) the embedded engine and connect to graph `graph_name`; with
        `in_steps`, units of work are written in steps (queries/journal.py)."""
        await asyncio.to_thread(engine.start)
        client = FalkorDB(unix_socket_path=str(engine.socket_path))
        return cls(
            engine,
            client,
            graph_name,
            timeout_s=timeout_s,
            schema=schema or load_schema(),
            in_steps=in_steps,
        )

    @property
    def embedded(self) -> EmbeddedEngine:
        """The engine process this store talks to."""
        return self._engine

    async def _run(
        self,
        text: str,
        params: Params,
        *,
        write: bool,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        command = self._command(text, params, write=write, timeout_s=timeout_s)
        try:
            response = await self._client.connection.execute_command(*command)
        except RedisError as exc:
            raise self._error(exc) from exc
        return await self._result(response, write=write, max_rows=max_rows)

    async def send_write(self, name: str, params: Params) -> asyncio.Future[Result]:
        query = get_query(name)
        started = time.perf_counter()
        command = self._command(query.text, params, write=True, timeout_s=None)
        try:
            reply = await self._writes.send(command)
        except RedisError as exc:
            raise self._write_error(name, exc) from exc
        return asyncio.ensure_future(self._written(name, reply, started))

    async def _written(self, name: str, reply: asyncio.Future[Any], started: float) -> Result:
        try:
            response = await reply
        except RedisError as exc:
            raise self._write_error(name, exc) from exc
        result = await self._result(response, write=True, max_rows=None)
        self._done(name, result.engine_ms, started)
        return result

    def _write_error(self, name: str, exc: RedisError) -> QueryError | EngineUnavailable:
        error = self._error(exc)
        return self._failed(name, error) if isinstance(error, QueryError) else error

    def _command(
        self, text: str, params: Params, *, write: bool, timeout_s: float | None
    ) -> tuple[Any, ...]:
        """The engine command running `text` with `params` on this graph."""
        if params:
            header = " ".join(f"{_name(k)}={_literal(v)}" for k, v in params.items())
            text = f"CYPHER {header} {text}"
        timeout_ms = self._timeout_ms if timeout_s is None else max(1, round(timeout_s * 1000))
        query = "GRAPH.QUERY" if write else "GRAPH.RO_QUERY"
        return (query, self._graph_name, text, "--compact", "timeout", timeout_ms)

    def _error(self, exc: RedisError) -> QueryError | EngineUnavailable:
        """The engine's error `exc` as cxgraph reports it."""
        if isinstance(exc, RedisConnectionError):
            return EngineUnavailable(f"the embedded engine did not answer: {exc}")
        if isinstance(exc, ResponseError) and "empty key" in str(exc):
            return QueryError(
                f"the graph {self._graph_name!r} does not exist yet; "
                "create it with `cxgraph schema apply` or a load"
            )
        if isinstance(exc, ResponseError) and "mem consumption exceeded" in str(exc):
            return QueryError(
                "the query needed more memory than one query may use "
                f"({self._engine.query_memory_mb} MB); ask for less"
            )
        return QueryError(str(exc))

    async def _result(self, response: Any, *, write: bool, max_rows: int | None) -> Result:
        """The engine's reply to a query as a Result; a write that changed the graph gives it
        a new version."""
        # The engine sends every row: a row cap only spares converting the rest.
        result = read_compact(response, max_rows)
        counters = {key: int(result.statistics.get(name, 0)) for key, name in _COUNTERS.items()}
        if write and any(
            _CHANGE.search(name) and float(value) for name, value in result.statistics.items()
        ):
            await self._changed(self._graph_name)
        return Result(result.rows, result.engine_ms, counters, result.columns)

    async def version(self) -> str | None:
        # A random token, not a counter: a graph deleted and written again never shows a
        # version it had before, so nothing cached for the old graph can match the new one.
        try:
            token = await self._client.connection.get(_version_key(self._graph_name))
        except RedisError:
            return None  # no version: nothing is reused, and the query itself will say why
        return "" if token is None else str(token)

    async def _changed(self, graph: str) -> None:
        """Give `graph` a new version: answers cached for its previous one are stale."""
        await self._client.connection.set(_version_key(graph), os.urandom(8).hex())

    async def explain(self, text: str, params: Params | None = None) -> list[str]:
        """The engine's plan for `text`, which it parses and plans without running it."""
        try:
            plan = await self._graph.explain(text, dict(params or {}))
        except RedisError as exc:
            raise QueryError(str(exc)) from exc
        return [str(line) for line in plan.plan]

    async def _missing_schema(self) -> list[tuple[str, str]]:
        """(label, statement) for each index and unique constraint not yet created.

        Index statements are Cypher; constraint statements are engine commands, shown as
        `GRAPH.CONSTRAINT CREATE ...`.
        """
        try:
            indexed = {row[0] for row in (await self._graph.list_indices()).result_set}
            constrained = {c["label"] for c in await self._graph.list_constraints()}
        except ResponseError:  # the graph does not exist yet
            indexed, constrained = set(), set()
        missing = [
            (label, ddl)
            for label, ddl in falkordb_indexes(self._schema).items()
            if label not in indexed
        ]
        missing += [
            (
                label,
                f"GRAPH.CONSTRAINT CREATE {self._graph_name} UNIQUE NODE {label} PROPERTIES 1 id",
            )
            for label in sorted(self._schema.labels - constrained)
        ]
        return missing

    async def schema_statements(self) -> list[str]:
        return [statement for _, statement in await self._missing_schema()]

    async def apply_schema(self, *, compact: bool = True) -> list[str]:
        missing = await self._missing_schema()
        for _, statement in missing:  # indexes first: a unique constraint needs its index
            if statement.startswith("GRAPH.CONSTRAINT"):
                await self._client.connection.execute_command(*statement.split())
            else:
                await self._graph.query(statement)
        await self._constraints_built()
        if missing and compact:
            # Replaying an append-only log whose MERGEs precede no index is slow: rewrite it.
            await asyncio.to_thread(self._engine.compact)
        return [statement for _, statement in missing]

    def on_graph(self, name: str) -> FalkorStore:
        """A store for another graph of the same engine, sharing this connection."""
        return FalkorStore(
            self._engine,
            self._client,
            name,
            timeout_s=self._timeout_ms / 1000,
            schema=self._schema,
            writes=self._writes,
        )

    async def copy_to(self, name: str) -> FalkorStore:
        """Copy this graph (indexes and constraints included) to graph `name`, replacing it."""
        await self._client.connection.delete(name)
        try:
            async with asyncio.timeout(COPY_TIMEOUT_S):
                # FalkorDB 4.16 copies in a forked child, and deadlocks when the engine has
                # another child then, such as one rewriting its log (FalkorDB/FalkorDB#1637):
                # the copy starts once none is left.
                await self._no_child_process()
                await self._client.connection.execute_command("GRAPH.COPY", self._graph_name, name)
        except TimeoutError:
            raise EngineUnavailable(
                f"the engine did not copy graph {self._graph_name!r} within {COPY_TIMEOUT_S} s "
                "and may be stuck; stop the process that started it (its pid is in "
                f"{self._engine.data_dir / PID_NAME}) and run the load again"
            ) from None
        await self._changed(name)
        return self.on_graph(name)

    async def _no_child_process(self) -> None:
        """Return once the engine has no child process (a log rewrite, a snapshot, a fork
        of a module)."""
        while True:
            info = await self._client.connection.info("persistence")
            if not any(info.get(key) for key in _CHILD_PROCESSES):
                return
            await asyncio.sleep(_CHILD_POLL_S)

    async def drop(self) -> None:
        """Delete this graph and what a unit of work may have left beside it."""
        name = self._graph_name
        staging = f"{name}~staging"
        await self._client.connection.delete(name, staging, _version_key(staging), f"{name}~lock")
        await self._changed(name)

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[Staged]:
        # FalkorDB runs each query atomically but has no transaction spanning several: the
        # unit of work writes into a copy of the graph, which replaces the graph in one
        # RENAME when it ends. A crash leaves the copy behind and the graph untouched. The
        # copy is made at the first write (`_Staging`): a unit of work that writes nothing,
        # such as a load of unchanged files, copies nothing.
        # In steps (`in_steps`), the unit of work writes to the graph itself, each write with
        # its undo step (queries/journal.py): nothing is copied.
        connection = self._client.connection
        staging = f"{self._graph_name}~staging"
        async with self.exclusive():
            await self._drop_staging()  # a crashed one's copy
            if self.in_steps:
                # the lock is ours: a unit of work in the graph is a dead process's
                async with journal.in_steps(self, take_over=True) as staged:
                    yield staged
                return
            staged_store = self.on_graph(staging)
            staged_store.stats = self.stats
            staged_store.listeners = self.listeners
            new = not await connection.exists(self._graph_name)
            if new:
                await staged_store.apply_schema(compact=False)
            runner = _Staging(self, staged_store, new=new)
            staged = Staged(runner)
            try:
                yield staged
                keep = not staged.discarded and await runner.written()
            except BaseException:
                await runner.settle()
                await self._drop_staging()
                raise
            if keep:
                await connection.rename(staging, self._graph_name)
                await connection.delete(_version_key(staging))
                await self._changed(self._graph_name)
            else:
                await runner.settle()
                await self._drop_staging()

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        connection = self._client.connection
        lock = f"{self._graph_name}~lock"
        if not await connection.set(lock, str(os.getpid()), nx=True):
            holder = int(await connection.get(lock) or 0)
            if process_alive(holder):
                raise GraphBusy(
                    f"a load or change (pid {holder}) is writing to graph "
                    f"{self._graph_name!r}; try again when it has finished"
                )
            # its process died mid-way (the engine is local, so its pid is ours to check)
            await connection.set(lock, str(os.getpid()))
        try:
            yield
        finally:
            await connection.delete(lock)

    async def idle(self) -> None:
        await self._writes.idle()

    async def recover(self) -> str | None:
        async with self.exclusive():
            await self._drop_staging()  # a crashed load's copy
            if not await self._client.connection.exists(self._graph_name):
                return None
            return await journal.recover(self, take_over=True)

    async def _drop_staging(self) -> None:
        """Delete the staging copy of a unit of work (`atomic`), if there is one."""
        staging = f"{self._graph_name}~staging"
        await self._client.connection.delete(staging, _version_key(staging))

    async def after_bulk_load(self) -> None:
        # A crash right after a big load would replay every MERGE of it, slowly: rewrite now.
        await asyncio.to_thread(self._engine.compact)

    async def _constraints_built(self) -> None:
        """Wait until the engine has built every unique constraint (built in the background)."""
        while True:
            statuses = {c["label"]: c["status"] for c in await self._graph.list_constraints()}
            if failed := sorted(label for label, status in statuses.items() if status == "FAILED"):
                raise QueryError(
                    f"unique id constraint failed for {', '.join(failed)}: duplicate ids exist"
                )
            if all(status == "OPERATIONAL" for status in statuses.values()):
                return
            await asyncio.sleep(0.02)

    async def ping(self) -> bool:
        try:
            return bool(await self._client.connection.ping())
        except RedisError:
            return False

    async def close(self) -> None:
        await self._writes.close()
        await self._client.aclose()
        await asyncio.to_thread(self._engine.stop)


class _OrderedWrites:
    """Writes sent one after another over a connection of their own, each without waiting
    for the reply to the one before: the engine takes a client's commands in the order sent,
    and starts each write as soon as the one before it ends, however late Python gets round
    to reading the replies. Replies come back in the same order."""

    def __init__(self, client: Any) -> None:
        self._pool = client.connection.connection_pool
        self._connection: Any = None
        self._lock = asyncio.Lock()
        self._replies: deque[asyncio.Future[Any]] = deque()
        self._reader: asyncio.Future[None] | None = None

    async def send(self, command: tuple[Any, ...]) -> asyncio.Future[Any]:
        """Send `command` now; the future of the engine's reply to it."""
        async with self._lock:  # sends and their places in `_replies` keep one order
            if self._connection is None:
                self._connection = await self._pool.get_connection()
            reply: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            await self._connection.send_command(*command)
            self._replies.append(reply)
            if self._reader is None or self._reader.done():
                self._reader = asyncio.ensure_future(self._read())
        return reply

    async def _read(self) -> None:
        while self._replies:
            try:
                response = await self._connection.read_response()
            except ResponseError as exc:  # this write failed; the connection is fine
                _settle(self._replies.popleft(), error=exc)
            except BaseException as exc:  # the connection is gone: so are the replies
                while self._replies:
                    _settle(self._replies.popleft(), error=exc)
                connection, self._connection = self._connection, None
                await self._pool.release(connection)
                if not isinstance(exc, Exception):
                    raise
            else:
                _settle(self._replies.popleft(), response)

    async def idle(self) -> None:
        """Return once the engine has replied to every write sent, however it did."""
        while self._reader is not None and not self._reader.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(self._reader)

    async def close(self) -> None:
        """Give the connection back, once every reply is in."""
        await self.idle()
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await self._pool.release(connection)


def _settle(
    reply: asyncio.Future[Any], response: Any = None, *, error: BaseException | None = None
) -> None:
    if reply.done():  # its sender gave up waiting
        return
    if error is not None:
        reply.set_exception(error)
    else:
        reply.set_result(response)


class _Staging(QueryRunner):
    """The runner of a unit of work on the embedded engine (`FalkorStore.atomic`).

    Writes go to the staging copy of the graph, made when the first write comes; until that
    copy is complete, reads go to the graph itself, which is the same graph as long as
    nothing has been written: the unit of work holds the graph's lock. Reads sent while a
    write is still on its way may see the graph before that write, as on any runner that
    `overlaps_writes`; once a write is done, every read sees it.
    """

    overlaps_writes = True

    def __init__(self, live: FalkorStore, staging: FalkorStore, *, new: bool) -> None:
        super().__init__()
        self.stats = live.stats
        self.listeners = live.listeners
        self._live = live
        self._staging = staging
        self._copy: asyncio.Future[None] | None = None
        if new:  # nothing to copy: the staging graph is the graph being made
            self._copy = asyncio.get_running_loop().create_future()
            self._copy.set_result(None)

    async def _run(
        self,
        text: str,
        params: Params,
        *,
        write: bool,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        if write:
            await self._copied()
            target = self._staging
        else:
            copied = self._copy is not None and self._copy.done()
            target = self._staging if copied else self._live
        return await target._run(text, params, write=write, timeout_s=timeout_s, max_rows=max_rows)

    async def send_write(self, name: str, params: Params) -> asyncio.Future[Result]:
        await self._copied()
        return await self._staging.send_write(name, params)

    async def _copied(self) -> None:
        """Return once the staging graph is there to write to (copying it, the first time)."""
        if self._copy is None:
            self._copy = asyncio.ensure_future(self._make_copy())
        await asyncio.shield(self._copy)

    async def _make_copy(self) -> None:
        await self._live.copy_to(self._staging._graph_name)
        await self._staging.apply_schema(compact=False)  # what the graph may lack

    async def written(self) -> bool:
        """True when the unit of work wrote something (its copy is then complete)."""
        if self._copy is None:
            return False
        await asyncio.shield(self._copy)
        return True

    async def settle(self) -> None:
        """Wait for a copy and writes under way, however they end: the staging graph may only
        be deleted once the engine no longer writes to it."""
        if self._copy is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._copy)
        await self._staging._writes.idle()


# FalkorDB takes parameters as Cypher literals in a `CYPHER name=value ...` header. The
# client's own serialiser is slow on batches of thousands of rows; this one leaves strings to
# the json module, whose escapes FalkorDB reads the same way — all but \uXXXX, which json
# only writes for control characters: strings holding those take the client's way.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _literal(value: Any) -> str:
    """`value` as a Cypher literal for the parameter header.

    Dispatches on the exact type (a load sends millions of values): subclasses take the
    general way, `_any_literal`.
    """
    encode = _ENCODERS.get(type(value))
    return encode(value) if encode is not None else _any_literal(value)


def _any_literal(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, list | tuple):
        return _list(value)
    if isinstance(value, Mapping):
        return _map(value)
    raise QueryError(f"cannot send a {type(value).__name__} as a query parameter")


def _string(value: str) -> str:
    # the json module's own string encoder; it writes \uXXXX only for control characters
    # (and "\u" for a backslash before a u): those strings take the client's way
    encoded: str = encode_basestring(value)
    return quote_string(value) if "\\u" in encoded else encoded


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise QueryError(f"cannot send {value} to the engine")
    return repr(value)


_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _list(value: list[Any] | tuple[Any, ...]) -> str:
    # A list without maps, of finite numbers and strings without control characters, reads
    # the same in JSON and in Cypher: the json module writes it in one call. A map's keys
    # would come out quoted (`"key":`, which only a key or an escaped quote in a string
    # makes) and anything else is refused by the encoder: those take the general way.
    try:
        encoded: str = _JSON.encode(value)
    except (TypeError, ValueError):
        pass
    else:
        if '":' not in encoded and "\\u" not in encoded:
            return encoded
    return f"[{','.join([_literal(item) for item in value])}]"


def _map(value: Mapping[str, Any]) -> str:
    return "{" + ",".join([f"{_key(k)}:{_literal(v)}" for k, v in value.items()]) + "}"


_ENCODERS: dict[type, Callable[[Any], str]] = {
    str: _string,
    type(None): lambda _: "null",
    bool: lambda value: "true" if value else "false",
    int: str,
    float: _float,
    list: _list,
    tuple: _list,
    dict: _map,
}


def _name(name: str) -> str:
    """A parameter name for the header: a plain name, so that no name can carry Cypher."""
    if not _IDENTIFIER.fullmatch(name):
        raise QueryError(f"parameter names must be plain names, got {name!r}")
    return name


@lru_cache(maxsize=4096)
def _key(key: str) -> str:
    if _IDENTIFIER.fullmatch(key):
        return key
    if "`" in key or not key:
        raise QueryError(f"cannot send the map key {key!r} to the engine")
    return f"`{key}`"
