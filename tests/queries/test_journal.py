"""Units of work in steps (queries/journal.py) on the real embedded engine: every write a load
makes is undone exactly, a failed or dead unit of work leaves the graph as before, and a
committed one stays whole."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from loaders.export import export_json
from ontology.model import load_schema
from queries import journal
from queries.errors import GraphBusy, QueryError
from queries.falkor import FalkorStore
from queries.generated import create_columns, node_query, rel_query
from queries.store import QueryRunner

PERSON_TEAM = ("Person", "MEMBER_OF", "Team")
TEAM_PARENT = ("Team", "PART_OF", "Team")
REPORTS = ("Person", "REPORTS_TO", "Person")


async def snapshot(store: QueryRunner, path: Path) -> bytes:
    await export_json(store, path)
    return path.read_bytes()


async def rels(store: QueryRunner, triple: tuple[str, str, str]) -> list[dict[str, Any]]:
    return await store.read(rel_query("all", *triple))


async def bookkeeping(store: FalkorStore) -> dict[str, int]:
    """How many nodes of each bookkeeping label the graph holds."""
    return {
        label: (await store.read(node_query("count", label)))[0]["count"]
        for label in ("UnitOfWork", "UndoStep")
    }


async def dead_pid() -> int:
    """The pid of a process that has ended."""
    done = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await done.wait()
    return done.pid


async def writes(store: FalkorStore) -> list[tuple[str, dict[str, Any]]]:
    """One write of each generated kind a load makes, on the demo company."""
    team_columns = create_columns(load_schema().node_types["Team"])
    (member, *_) = await rels(store, PERSON_TEAM)
    (child, *_) = await rels(store, TEAM_PARENT)
    report, *others = await rels(store, REPORTS)
    manager = next(r["to"] for r in others if r["to"] not in {report["from"], report["to"]})
    teams = {r["to"] for r in await rels(store, PERSON_TEAM) if r["from"] == member["from"]}
    other_team = next(r["to"] for r in await rels(store, TEAM_PARENT) if r["to"] not in teams)
    new_team = ["team-journal", *({"name": "Journal", "kind": "team"}.get(c) for c in team_columns)]
    provenance = {"source": "s", "loadRun": "r"}
    return [
        (node_query("create", "Team"), {"rows": [new_team], **provenance}),
        (
            node_query("upsert", "Team"),
            {
                "rows": [
                    {"id": child["from"], "source": "s", "props": {"description": "changed"}},
                    {"id": "team-new", "source": "s", "props": {"name": "New", "kind": "team"}},
                ]
            },
        ),
        # a team with members, owned items, a parent and a child, and that child, whose
        # relationship to it is deleted with both
        (node_query("delete", "Team"), {"ids": [child["to"], child["from"]]}),
        (node_query("delete", "Person"), {"ids": [member["from"]]}),
        (rel_query("create", *PERSON_TEAM), {"rows": [[member["from"], other_team]], **provenance}),
        (
            rel_query("upsert", *PERSON_TEAM),
            {
                "rows": [
                    {**_ends(member), "source": "s", "props": {"loadRun": "changed"}},
                    {"from": member["from"], "to": other_team, "source": "s", "props": {}},
                ]
            },
        ),
        (rel_query("replace", *REPORTS), {"rows": [{"from": report["from"], "to": manager}]}),
        (rel_query("delete", *PERSON_TEAM), {"rows": [_ends(member)]}),
    ]


def _ends(rel: dict[str, Any]) -> dict[str, Any]:
    return {"from": rel["from"], "to": rel["to"]}


@pytest.mark.parametrize("which", range(8))
async def test_the_undo_of_each_kind_of_write_puts_the_graph_back(
    which: int, demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    name, params = (await writes(demo_store_copy))[which]
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    undo = await journal.undo_of(demo_store_copy, name, params)
    undo = json.loads(json.dumps(undo))  # as the graph keeps it
    await demo_store_copy.write(name, params)
    assert await snapshot(demo_store_copy, tmp_path / "written.jsonl") != before, name
    for step, step_params in undo:
        await demo_store_copy.write(step, step_params)
    assert await snapshot(demo_store_copy, tmp_path / "undone.jsonl") == before, name
    for step, step_params in undo:  # undoing again changes nothing
        await demo_store_copy.write(step, step_params)
    assert await snapshot(demo_store_copy, tmp_path / "again.jsonl") == before, name


async def test_a_write_it_cannot_undo_is_refused(demo_store_copy: FalkorStore) -> None:
    with pytest.raises(QueryError, match="change/link_pain_point cannot be undone"):
        await journal.undo_of(demo_store_copy, "change/link_pain_point", {})


async def test_a_unit_of_work_in_steps_commits_whole(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    async with journal.in_steps(demo_store_copy) as staged:
        for name, params in await writes(demo_store_copy):
            await staged.store.write(name, params)
        assert (await bookkeeping(demo_store_copy))["UndoStep"] == 8
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") != before
    assert await bookkeeping(demo_store_copy) == {"UnitOfWork": 0, "UndoStep": 0}


@pytest.mark.parametrize("ending", ["an error", "a discard"])
async def test_a_unit_of_work_in_steps_that_fails_leaves_the_graph_as_before(
    ending: str, demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    with pytest.raises(RuntimeError) if ending == "an error" else contextlib.nullcontext():
        async with journal.in_steps(demo_store_copy) as staged:
            for name, params in await writes(demo_store_copy):
                await staged.store.write(name, params)
            assert await snapshot(demo_store_copy, tmp_path / "midway.jsonl") != before
            if ending == "an error":
                raise RuntimeError("the load failed")
            staged.discard()
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") == before
    assert await bookkeeping(demo_store_copy) == {"UnitOfWork": 0, "UndoStep": 0}


async def _left_by(store: FalkorStore, agent: str, *, commit: bool) -> None:
    """Leave a unit of work in steps behind as its process would when it died: its writes
    made, its undo steps and lock in the graph; committed or not. The graph it left."""
    monkey = pytest.MonkeyPatch()
    monkey.setattr(journal, "agent", lambda: agent)
    monkey.setattr(journal, "_forget", _die)
    monkey.setattr(journal, "_abandon", _die)

    async def write_and_die() -> None:
        async with journal.in_steps(store) as staged:
            for name, params in await writes(store):
                await staged.store.write(name, params)
            if not commit:
                raise RuntimeError("killed")

    try:
        with pytest.raises(_Died):
            await write_and_die()
    finally:
        monkey.undo()


class _Died(Exception):
    pass


async def _die(*_: object) -> None:
    raise _Died


@pytest.mark.parametrize("committed", [False, True])
@pytest.mark.parametrize("finisher", ["recover", "the next unit of work"])
async def test_a_unit_of_work_whose_process_died_is_finished_by_the_next_writer(
    committed: bool, finisher: str, demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    await _left_by(demo_store_copy, f"{socket.gethostname()}:{await dead_pid()}", commit=committed)
    left = await snapshot(demo_store_copy, tmp_path / "left.jsonl")
    assert left != before  # what it wrote is there, half-done or complete
    assert (await bookkeeping(demo_store_copy))["UndoStep"] > 0
    if finisher == "recover":
        done = await demo_store_copy.recover()
        assert done is not None
        assert ("had committed" in done) is committed
    else:
        async with journal.in_steps(demo_store_copy) as staged:
            assert await bookkeeping(demo_store_copy) == {"UnitOfWork": 1, "UndoStep": 0}
            staged.discard()
    after = await snapshot(demo_store_copy, tmp_path / "after.jsonl")
    assert after == (left if committed else before)
    assert await bookkeeping(demo_store_copy) == {"UnitOfWork": 0, "UndoStep": 0}
    assert await demo_store_copy.recover() is None  # nothing left to do


async def test_a_live_unit_of_work_keeps_the_lock(
    demo_store_copy: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        await _left_by(demo_store_copy, f"{socket.gethostname()}:{sleeper.pid}", commit=False)
        with pytest.raises(GraphBusy, match=f":{sleeper.pid}"):
            async with journal.in_steps(demo_store_copy):
                pass
        # another host's unit of work is alive until it has been silent for the lease
        await _take_over(demo_store_copy, "elsewhere:1")
        with pytest.raises(GraphBusy, match="elsewhere:1"):
            await journal.recover(demo_store_copy)
        monkeypatch.setattr(journal, "LEASE_S", 0.0)
        assert await journal.recover(demo_store_copy) is not None
    finally:
        sleeper.kill()
        sleeper.wait()
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") == before


async def _take_over(store: FalkorStore, agent: str) -> None:
    """Take the lock of the unit of work in the graph over, as `agent`."""
    (row,) = await store.read("journal/current")
    params = {"id": journal.LOCK_ID, "unit": row["unit"], "seen": row["agent"], "agent": agent}
    assert (await store.write("journal/take_over", params)).rows
    # whoever saw the same holder and comes second gets nothing
    assert not (await store.write("journal/take_over", {**params, "agent": "late:2"})).rows


async def test_a_unit_of_work_whose_lock_was_taken_over_writes_no_more(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    (first, second, *_) = await writes(demo_store_copy)

    async def write_after_losing_the_lock() -> None:
        async with journal.in_steps(demo_store_copy) as staged:
            await staged.store.write(*first)
            # another process found it silent for the lease, and took the lock over
            await _take_over(demo_store_copy, "recoverer:1")
            await staged.store.write(*second)

    with pytest.raises(GraphBusy, match="lost the graph's lock"):
        await write_after_losing_the_lock()
    # its second write did not run, and it left the undoing to the new holder of the lock
    assert await demo_store_copy.read(node_query("get", "Team"), {"ids": ["team-new"]}) == []
    assert await bookkeeping(demo_store_copy) == {"UnitOfWork": 1, "UndoStep": 1}
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(journal, "agent", lambda: "recoverer:1")
        patched.setattr(journal, "LEASE_S", 0.0)
        assert await journal.recover(demo_store_copy) is not None
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") == before
    assert await bookkeeping(demo_store_copy) == {"UnitOfWork": 0, "UndoStep": 0}


async def test_a_change_holds_the_lock_of_units_of_work(demo_store_copy: FalkorStore) -> None:
    async with journal.locked(demo_store_copy):
        assert await bookkeeping(demo_store_copy) == {"UnitOfWork": 1, "UndoStep": 0}
        with pytest.raises(GraphBusy, match=f":{os.getpid()}"):
            await journal.recover(demo_store_copy)
    assert await bookkeeping(demo_store_copy) == {"UnitOfWork": 0, "UndoStep": 0}


def test_this_process_is_who_runs_its_units_of_work() -> None:
    assert journal.agent() == f"{socket.gethostname()}:{os.getpid()}"


async def test_an_undo_stops_once_its_lock_is_lost(demo_store_copy: FalkorStore) -> None:
    # two processes undoing at once could each put back another step's state last
    await _left_by(demo_store_copy, f"{socket.gethostname()}:{await dead_pid()}", commit=False)
    steps = (await bookkeeping(demo_store_copy))["UndoStep"]
    (left,) = await demo_store_copy.read("journal/current")
    holder = journal._Holder(left["unit"])
    holder.lost = True
    with pytest.raises(GraphBusy, match="lost the graph's lock"):
        await journal._undo(demo_store_copy, holder)
    assert (await bookkeeping(demo_store_copy))["UndoStep"] == steps
