"""Units of work in steps: each write commits on its own, after an undo step saying how to
take it back, so that a unit of work larger than one transaction still lands whole or not
at all.

A Neo4j transaction holds its whole change in the server's memory; a load of millions of
nodes does not fit. In steps, every write of the unit of work is a transaction of its own,
which also writes an `UndoStep` node recording the writes that undo it (one query,
`journaled_query`): for each generated query a load writes with (queries/generated.py), the
graph's state before it — the nodes and relationships it will change or delete as they
are, and which ones it will create.

- **Commit** is one write: the `UnitOfWork` node's status becomes `committed`. Its undo
  steps are deleted after.
- **Failure** (an error, `Staged.discard`, Ctrl-C): the steps are undone, the last first,
  and deleted.
- **A process that dies** leaves its `UnitOfWork` and steps in the graph. Whoever next takes
  the lock (a load, a change through the API, the API at start-up: `recover`) finishes
  them: it undoes a running unit of work, or deletes the steps of a committed one.

Undoing is idempotent: an undo cut short and run again leaves the same graph, so a step is
deleted only after its undo; a created node or relationship is undone only if this load run
created it (its `loadRun`). Writes run once (`QueryRunner.execute(once=True)`): Neo4j's
driver retries managed transactions, which could run a write twice.

The `UnitOfWork` node is also the graph's write lock, held by one process (`agent`): no
other load, and no API change (`locked`), interleaves. Its process says it is alive every
`HEARTBEAT_S`; a unit of work silent for `LEASE_S`, or whose process on this host is gone,
is dead, and the next writer takes its lock over (`journal/take_over`, one process wins)
to finish it. A process that lost its lock writes nothing more — its journaled writes, its
heartbeat and its commit match no lock of its own — and leaves the undoing to whoever took
it.

Readers see the steps as they commit: the unit of work is atomic against failures, not
isolated from readers, unlike the single transaction (Neo4j) or the staging copy (the
embedded engine) it replaces.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ontology.values import timestamp
from queries.embedded import process_alive
from queries.errors import CxGraphError, GraphBusy, QueryError
from queries.generated import journaled_query, node_query, rel_query
from queries.registry import NamedQuery, get_query
from queries.store import Params, QueryRunner, Result, Staged, chunks

log = logging.getLogger(__name__)

LOCK_ID = "graph"
"""Id of the one `UnitOfWork` node a graph may hold: the lock."""
HEARTBEAT_S = 10.0
LEASE_S = 60.0
"""A unit of work whose process has been silent this long is dead (on another host)."""
STEPS_PER_READ = 4
"""Undo steps fetched at a time: one may hold a batch's worth of properties, or for deleted
nodes all their relationships, several MB."""
FORGET_PER_WRITE = 1000

Undo = list[tuple[str, dict[str, Any]]]
"""Writes that undo one write: (generated query name, parameters), in order."""


def agent() -> str:
    """Who runs a unit of work: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


@asynccontextmanager
async def in_steps(store: QueryRunner, *, take_over: bool = False) -> AsyncIterator[Staged]:
    """A unit of work in steps on `store` (see the module docstring).

    Raises GraphBusy while another process's unit of work is under way. With `take_over`,
    a unit of work found in the graph is dead whatever its heartbeat says: the caller holds
    another lock that its process would hold if it were alive.
    """
    unit = await _begin(store, take_over=take_over)
    holder = _Holder(unit)
    runner = _Steps(store, holder)
    staged = Staged(runner)
    async with _heartbeat(store, holder):  # until the lock is let go, whatever happens
        try:
            yield staged
        except BaseException:
            await _abandon(store, holder)
            raise
        await store.idle()  # every write sent has run (or failed, and failed the unit of work)
        if staged.discarded or not runner.steps:
            await _undo(store, holder)
        else:
            params = {"id": LOCK_ID, "unit": unit, "agent": agent()}
            if holder.lost or not (await store.write("journal/commit", params)).rows:
                raise _lost(unit)
            await _forget(store, unit)
        await _end(store, unit)


class _Holder:
    """A unit of work whose lock this process holds, until `lost`."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.lost = False


@asynccontextmanager
async def locked(store: QueryRunner) -> AsyncIterator[None]:
    """Hold the graph's lock, as a unit of work in steps does, for a change made in one
    query (an API mutation on Neo4j): no unit of work in steps runs meanwhile."""
    unit = await _begin(store, take_over=False)
    try:
        yield
    finally:
        await _end(store, unit)


async def recover(store: QueryRunner, *, take_over: bool = False) -> str | None:
    """Finish a unit of work in steps whose process died: undo it, or, when it had
    committed, delete its steps. Returns what was done (None: nothing was left). Raises
    GraphBusy when the unit of work found is alive; `take_over` as for `in_steps`."""
    rows = await store.write("journal/current")  # from the leader: the latest lock
    if not rows.rows:
        return None
    (found,) = rows.rows
    if not take_over and _alive(found):
        raise _busy(found)
    unit = found["unit"]
    params = {"id": LOCK_ID, "unit": unit, "seen": found["agent"], "agent": agent()}
    if not (await store.write("journal/take_over", params)).rows:
        return None  # another process took it over meanwhile, and finishes it
    holder = _Holder(unit)
    async with _heartbeat(store, holder):  # undoing a big load takes a while
        if found["status"] == "committed":
            await _forget(store, unit)
            done = f"deleted the undo steps of unit of work {unit}, which had committed"
        else:
            undone = await _undo(store, holder)
            done = f"undid unit of work {unit} of {found['agent']} ({undone} steps)"
        await _end(store, unit)
    log.warning("%s", done)
    return done


async def _begin(store: QueryRunner, *, take_over: bool) -> str:
    """Take the lock for a new unit of work; its id."""
    for _ in range(3):
        unit = f"uow-{uuid.uuid4().hex[:12]}"
        params = {"id": LOCK_ID, "unit": unit, "agent": agent(), "startedAt": timestamp()}
        (row,) = (await store.write("journal/begin", params)).rows
        if row["unit"] == unit:
            return unit
        await recover(store, take_over=take_over)
    raise GraphBusy("another process keeps taking the graph's lock; try again later")


def _alive(unit: dict[str, Any]) -> bool:
    """Whether the process of a unit of work found in the graph may still be running: it
    said so less than `LEASE_S` ago, and, on this host, its process is there."""
    host, _, pid = str(unit["agent"]).rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not process_alive(int(pid)):
        return False
    return unit["idleMs"] is not None and unit["idleMs"] < LEASE_S * 1000


def _busy(unit: dict[str, Any]) -> GraphBusy:
    return GraphBusy(
        f"a load or change ({unit['agent']}, unit of work {unit['unit']} started "
        f"{unit['startedAt']}) is writing to the graph; try again when it has finished. If its "
        f"process is gone, the next writer undoes it once it has been silent for {LEASE_S:.0f} s"
    )


def _lost(unit: str) -> GraphBusy:
    return GraphBusy(
        f"unit of work {unit} lost the graph's lock: it was silent for longer than "
        f"{LEASE_S:.0f} s, and another process took the lock over to undo it; run it again"
    )


@asynccontextmanager
async def _heartbeat(store: QueryRunner, holder: _Holder) -> AsyncIterator[None]:
    """Say every HEARTBEAT_S, for the `with` block, that the process holding the lock of
    `holder` is alive; mark it `lost` when the lock was taken over. An engine that does not
    answer is the unit of work's own writes' error to report, not this task's."""

    async def beat() -> None:
        params = {"id": LOCK_ID, "unit": holder.unit, "agent": agent()}
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            try:
                if not (await store.write("journal/heartbeat", params)).rows:
                    holder.lost = True
                    return
            except CxGraphError as exc:
                log.warning("unit of work %s: heartbeat failed: %s", holder.unit, exc)

    beating = asyncio.create_task(beat())
    try:
        yield
    finally:
        beating.cancel()
        await asyncio.gather(beating, return_exceptions=True)


async def _abandon(store: QueryRunner, holder: _Holder) -> None:
    """Undo a unit of work that failed, if it still holds the lock (otherwise whoever took
    it over does); if that fails too, the next writer undoes it."""
    try:
        await store.idle()  # a write still under way would land after the undo
        params = {"id": LOCK_ID, "unit": holder.unit, "agent": agent()}
        if (await store.write("journal/heartbeat", params)).rows:
            await asyncio.shield(_undo_and_end(store, holder))
    except Exception as exc:
        log.error(
            "unit of work %s failed and could not be undone now (%s); the next load, the "
            "API's start or `cxgraph recover` undoes it",
            holder.unit,
            exc,
        )


async def _undo_and_end(store: QueryRunner, holder: _Holder) -> None:
    await _undo(store, holder)
    await _end(store, holder.unit)


async def _undo(store: QueryRunner, holder: _Holder) -> int:
    """Undo the steps of `holder`'s unit of work, the last first, deleting each once undone;
    how many. Stops, with GraphBusy, once the lock is lost: whoever took it undoes the rest,
    and two undoing at once could each put back a different step's state last."""
    undone = 0
    params = {"unit": holder.unit, "limit": STEPS_PER_READ}
    while steps := await store.read("journal/steps", params):
        for step in steps:
            if holder.lost:
                raise _lost(holder.unit)
            for name, step_params in json.loads(step["undo"]):
                await store.write(name, step_params)
            await store.write(node_query("delete", "UndoStep"), {"ids": [step["id"]]})
            undone += 1
    return undone


async def _forget(store: QueryRunner, unit: str) -> None:
    """Delete the steps of `unit` without undoing them."""
    params = {"unit": unit, "limit": FORGET_PER_WRITE}
    while True:
        (row,) = (await store.write("journal/forget_steps", params)).rows
        if row["deleted"] < FORGET_PER_WRITE:
            return


async def _end(store: QueryRunner, unit: str) -> None:
    await store.write("journal/end", {"id": LOCK_ID, "unit": unit, "agent": agent()})


class _Steps(QueryRunner):
    """Runs a unit of work's queries on the store, each write with its undo step, in one
    query (`journaled_query`) that writes nothing once the lock is lost.

    Where the store takes writes in order without waiting (the embedded engine,
    `overlaps_writes`), so does this runner: a write's undo is read from the graph before
    it is sent, maybe before the writes sent just before it have run. Undone last-first,
    the steps still give back the graph before the unit of work: the first step touching an
    item read it before any write of the unit of work touched it, and its undo runs last.
    """

    def __init__(self, store: QueryRunner, holder: _Holder) -> None:
        super().__init__()
        self.stats = store.stats
        self.listeners = store.listeners
        self.overlaps_writes = store.overlaps_writes
        self._store = store
        self._holder = holder
        self.steps = 0

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
        if not write:  # counted once: this runner shares the store's stats (`_run`)
            return await super().execute(
                query, params, write=False, timeout_s=timeout_s, max_rows=max_rows
            )
        name, journaled = await self._journaled(query.name, params)
        # once: a write the driver retried after a commit whose answer was lost would run
        # twice (a relationship created twice, say)
        return self._held(
            await self._store.execute(get_query(name), journaled, write=True, once=True)
        )

    async def send_write(self, name: str, params: Params) -> asyncio.Future[Result]:
        name, journaled = await self._journaled(name, params)
        sent = await self._store.send_write(name, journaled)
        return asyncio.ensure_future(self._checked(sent))

    async def _checked(self, sent: asyncio.Future[Result]) -> Result:
        return self._held(await sent)

    async def _journaled(self, name: str, params: Params) -> tuple[str, dict[str, Any]]:
        """The journaled write of `name` and its parameters, with the undo of `params` read
        from the graph now."""
        if self._holder.lost:
            raise _lost(self._holder.unit)
        undo = await undo_of(self._store, name, params)
        self.steps += 1
        step = {
            "lock": LOCK_ID,
            "unit": self._holder.unit,
            "agent": agent(),
            "step": f"{self._holder.unit}/{self.steps:09d}",
            "undo": json.dumps(undo, ensure_ascii=False, separators=(",", ":")),
        }
        return journaled_query(name), {**params, **step}

    def _held(self, result: Result) -> Result:
        """`result`, if the write ran: a journaled write that created no node, not even its
        undo step (each step has an id of its own), found the lock lost."""
        if not result.counters.get("nodes_created"):
            self._holder.lost = True
            raise _lost(self._holder.unit)
        return result

    async def _run(
        self,
        text: str,
        params: Params,
        *,
        write: bool,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> Result:
        # reads only: `execute` sends each write, journaled, through the store
        return await self._store._run(
            text, params, write=write, timeout_s=timeout_s, max_rows=max_rows
        )


async def undo_of(store: QueryRunner, name: str, params: Params) -> Undo:
    """The writes that would undo the generated write `name` with `params`, from the graph
    as it is before it; QueryError for a write this cannot undo."""
    verb, kind, spec = [*name.split("/", 2), "", ""][:3]
    if kind == "node":
        return await _undo_nodes(store, verb, spec, params, name)
    if kind == "rel":
        source, rel_type, target = spec.split("-")
        return await _undo_rels(store, verb, (source, rel_type, target), params, name)
    raise _cannot(name)


async def _undo_nodes(store: QueryRunner, verb: str, label: str, params: Params, name: str) -> Undo:
    if verb == "create":  # the rows are nodes known to be new, each with its loadRun
        ids = [row[0] for row in params["rows"]]
        return [(node_query("discard", label), {"ids": ids, "loadRun": params["loadRun"]})]
    if verb == "upsert":
        ids = [row["id"] for row in params["rows"]]
    elif verb == "delete":
        ids = list(params["ids"])
    else:
        raise _cannot(name)
    old = {
        row["node"]["id"]: row["node"]
        for chunk in chunks(ids)
        for row in await store.read(node_query("get", label), {"ids": chunk})
    }
    undo: Undo = []
    if new := [i for i in dict.fromkeys(ids) if i not in old]:
        undo.append((node_query("delete", label), {"ids": new}))
    if old:
        rows = [{"id": key, "props": props} for key, props in old.items()]
        undo.append((node_query("restore", label), {"rows": rows}))
    if verb == "delete" and old:  # their relationships go with them
        links: dict[tuple[str, str, str], dict[tuple[str, str], dict[str, Any]]]
        links = defaultdict(dict)
        for chunk in chunks(list(old)):
            for row in await store.read(node_query("links", label), {"ids": chunk}):
                triple = (row["source"], row["type"], row["target"])
                links[triple][(row["from"], row["to"])] = row["props"]
        for triple, found in sorted(links.items()):
            rows = [{"from": a, "to": b, "props": props} for (a, b), props in found.items()]
            undo.append((rel_query("restore", *triple), {"rows": rows}))
    return undo


async def _undo_rels(
    store: QueryRunner, verb: str, triple: tuple[str, str, str], params: Params, name: str
) -> Undo:
    rows = params["rows"]
    if verb == "create":  # the rows [[from, to]] are relationships known to be new
        pairs = [{"from": a, "to": b} for a, b in rows]
        return [(rel_query("discard", *triple), {"rows": pairs, "loadRun": params["loadRun"]})]
    if verb not in {"upsert", "replace", "delete"}:
        raise _cannot(name)
    pairs = [{"from": row["from"], "to": row["to"]} for row in rows]
    lookup = "others" if verb == "replace" else "get"
    old = {
        (row["from"], row["to"]): row["props"]
        for chunk in chunks(pairs)
        for row in await store.read(rel_query(lookup, *triple), {"rows": chunk})
    }
    undo: Undo = []
    if verb == "upsert":
        keys = {(pair["from"], pair["to"]) for pair in pairs}
        if new := [{"from": a, "to": b} for a, b in sorted(keys - old.keys())]:
            undo.append((rel_query("delete", *triple), {"rows": new}))
    if old:
        restore = [{"from": a, "to": b, "props": props} for (a, b), props in old.items()]
        undo.append((rel_query("restore", *triple), {"rows": restore}))
    return undo


def _cannot(name: str) -> QueryError:
    return QueryError(
        f"query {name} cannot be undone: a unit of work in steps takes only the generated "
        "create, upsert, replace and delete queries (queries/generated.py)"
    )
