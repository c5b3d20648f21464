"""What every load guarantees: validated, atomic, idempotent, incremental, with provenance."""

from __future__ import annotations

import asyncio
import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loaders import pipeline
from loaders.export import export_json
from loaders.generate import generate
from loaders.pipeline import DEMO_DIR, Source, directory_sources, load
from loaders.records import LoadFailed
from queries.embedded import EmbeddedEngine
from queries.errors import GraphBusy, QueryError
from queries.falkor import FalkorStore
from queries.generated import node_query, rel_query


async def snapshot(store: FalkorStore, path: Path) -> bytes:
    await export_json(store, path)
    return path.read_bytes()


def copy_demo(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, target)
    return target


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rewrite(path: Path, change: dict[str, dict[str, str]] | None = None, drop: str = "") -> None:
    """Rewrite a CSV file: change cells of the rows with the given ids, drop one row."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    rows = [{**row, **(change or {}).get(row["id"], {})} for row in rows if row["id"] != drop]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


async def test_loading_the_same_files_again_changes_nothing(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    first = await load(empty_store, directory_sources(DEMO_DIR))
    assert first.changed
    assert first.run_id is not None
    before = await snapshot(empty_store, tmp_path / "before.jsonl")
    again = await load(empty_store, directory_sources(DEMO_DIR))
    assert not again.changed
    assert again.run_id is None  # no load run is recorded for a load that changed nothing
    assert again.totals()["unchanged"] == first.totals()["created"]
    assert await snapshot(empty_store, tmp_path / "after.jsonl") == before


async def test_a_load_copies_the_graph_only_once_it_writes(
    empty_store: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On the embedded engine a load writes into a copy of the graph, made at its first write:
    # a load of unchanged files (whose feedback is linked and measured again) copies nothing.
    copies: list[str] = []
    copy_to = FalkorStore.copy_to

    async def counted(self: FalkorStore, name: str) -> FalkorStore:
        copies.append(name)
        return await copy_to(self, name)

    monkeypatch.setattr(FalkorStore, "copy_to", counted)
    demo = copy_demo(tmp_path)
    assert (await load(empty_store, directory_sources(demo))).changed
    copies.clear()
    assert not (await load(empty_store, directory_sources(demo))).changed
    assert copies == []
    rewrite(demo / "teams.csv", {"team-web": {"name": "Web Platform"}})
    report = await load(empty_store, directory_sources(demo))
    assert report.nodes["Team"].updated == 1
    assert copies == ["test~staging"]
    assert not await empty_store._client.connection.exists("test~staging")


async def test_every_node_and_relationship_records_its_source_and_run(
    empty_store: FalkorStore,
) -> None:
    report = await load(empty_store, directory_sources(DEMO_DIR))
    (team,) = [
        r["node"] for r in await empty_store.read(node_query("get", "Team"), {"ids": ["team-web"]})
    ]
    assert team["source"] == "teams:teams.csv"
    assert team["loadRun"] == report.run_id
    (rel,) = await empty_store.read(
        rel_query("get", "Person", "MEMBER_OF", "Team"),
        {"rows": [{"from": "p-ingrid-halvorsen", "to": "team-exec"}]},
    )
    assert rel["props"] == {"source": "people:people.csv", "loadRun": report.run_id}
    (run,) = await empty_store.read("runs/list", {"limit": 5})
    assert run["id"] == report.run_id
    assert run["created"] == report.totals()["created"]
    assert run["sources"].startswith("teams:teams.csv,people:people.csv")


async def test_a_dry_run_reports_what_would_change_and_writes_nothing(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    empty = await snapshot(empty_store, tmp_path / "empty.jsonl")
    report = await load(empty_store, directory_sources(DEMO_DIR), dry_run=True)
    assert report.dry_run
    assert report.nodes["Team"].created == 27
    assert report.relationships["MEMBER_OF"].created == 102
    assert await snapshot(empty_store, tmp_path / "after.jsonl") == empty


async def test_a_newer_export_updates_what_changed(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    demo = copy_demo(tmp_path)
    await load(empty_store, directory_sources(demo))
    rewrite(demo / "teams.csv", {"team-web": {"name": "Web Platform"}})
    # a new manager replaces the old one: a person reports to one person only
    rewrite(demo / "people.csv", {"p-ingrid-halvorsen": {"title": "Chief Executive"}})
    people = read_csv(demo / "people.csv")
    person = next(p for p in people if p["manager"] not in ("", "p-ingrid-halvorsen"))
    new_manager = "p-ingrid-halvorsen"
    rewrite(demo / "people.csv", {person["id"]: {"manager": new_manager}})
    report = await load(empty_store, directory_sources(demo))
    assert report.nodes["Team"].updated == 1
    assert report.nodes["Person"].updated == 1
    assert report.relationships["REPORTS_TO"].created == 1
    assert report.relationships["REPORTS_TO"].deleted == 1
    (team,) = await empty_store.read(node_query("get", "Team"), {"ids": ["team-web"]})
    assert team["node"]["name"] == "Web Platform"
    assert team["node"]["loadRun"] == report.run_id
    managers = await empty_store.read(
        rel_query("others", "Person", "REPORTS_TO", "Person"),
        {"rows": [{"from": person["id"], "to": "nobody"}]},
    )
    assert [m["to"] for m in managers] == [new_manager]


async def test_a_value_emptied_in_a_newer_export_is_removed(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    demo = copy_demo(tmp_path)
    await load(empty_store, directory_sources(demo))
    rewrite(demo / "teams.csv", {"team-web": {"kind": "", "verified_at": ""}})
    report = await load(empty_store, directory_sources(demo))
    assert report.nodes["Team"].updated == 1
    (team,) = await empty_store.read(node_query("get", "Team"), {"ids": ["team-web"]})
    assert "kind" not in team["node"]
    assert "verifiedAt" not in team["node"]
    assert team["node"]["name"] == "Web & CMS"
    again = await load(empty_store, directory_sources(demo))
    assert again.nodes["Team"].updated == 0


async def test_a_field_the_source_lacks_leaves_the_value_alone(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    demo = copy_demo(tmp_path)
    await load(empty_store, directory_sources(demo))
    # a later export of the same source (same file name) without the kind and date columns
    (tmp_path / "lean").mkdir()
    lean = tmp_path / "lean" / "teams.csv"
    lean.write_text("id,name,parent\nteam-web,Web & CMS,team-digital\n", encoding="utf-8")
    await load(empty_store, [Source("teams", lean)])
    (team,) = await empty_store.read(node_query("get", "Team"), {"ids": ["team-web"]})
    assert team["node"]["kind"] == "team"
    assert team["node"]["verifiedAt"] == "2026-09-03"


async def test_prune_removes_only_what_the_source_created(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    demo = copy_demo(tmp_path)
    await load(empty_store, directory_sources(demo))
    extra = tmp_path / "more-teams.csv"
    extra.write_text("id,name,kind,parent\nteam-lab,Innovation Lab,team,team-digital\n")
    await load(empty_store, [Source("teams", extra)])
    with_feedback = {r["customer"] for r in read_csv(demo / "feedback.csv")}
    quiet = next(r["id"] for r in read_csv(demo / "customers.csv") if r["id"] not in with_feedback)
    rewrite(demo / "customers.csv", drop=quiet)

    kept = await load(empty_store, directory_sources(demo))  # without --prune: kept
    assert kept.nodes["Customer"].deleted == 0
    assert await empty_store.read(node_query("get", "Customer"), {"ids": [quiet]})

    dry = await load(empty_store, directory_sources(demo), prune=True, dry_run=True)
    assert dry.nodes["Customer"].deleted == 1
    assert await empty_store.read(node_query("get", "Customer"), {"ids": [quiet]})

    pruned = await load(empty_store, directory_sources(demo), prune=True)
    assert pruned.nodes["Customer"].deleted == 1
    assert pruned.relationships["IN_SEGMENT"].deleted == 1
    assert pruned.nodes["Team"].deleted == 0  # team-lab belongs to more-teams.csv
    assert await empty_store.read(node_query("get", "Customer"), {"ids": [quiet]}) == []
    assert await empty_store.read(node_query("get", "Team"), {"ids": ["team-lab"]})


HEADER = "id,name,kind,parent,verified_at\n"


@pytest.mark.parametrize(
    ("kind", "content", "where", "message"),
    [
        ("teams", "id,name,kind\nteam-a,A,squad\n", ":2: field 'kind'", "expected one of division"),
        ("teams", HEADER + "team-a,A,team,,2026-13-01\n", ":2: field 'verified_at'", "expected a date"),
        ("teams", "id,name\n,Nameless\n", ":2: field 'id'", "a value is required"),
        ("teams", "id;name;kind\nteam-a;A;team\n", ":1", "looks ';'-separated"),
        ("teams", "id,name,colour\nteam-a,A,red\n", ":1", "unknown column(s) colour"),
        ("teams", "name,kind\nA,team\n", ":1", "missing required column(s) id"),
        ("teams", "", ":1", "the file is empty"),
        ("teams", "id,name\nteam-a,A,extra\n", ":2", "more cells than columns"),
        ("teams", "id,name\nteam-a,A,\n", ":2", "more cells than columns"),
        ("teams", "id,name,kind\nteam-a,A,team\n\n\nteam-b,B,squad\n", ":5: field 'kind'", "expected one of"),
        ("teams", "id,name,kind\nteam-a\n", ":2: field 'name'", "a value is required"),
        ("teams", HEADER + "team-a,A,team,team-b\nteam-b,B,team,team-a\n", ":", "forms a cycle"),
        ("teams", HEADER + "team-a,A,team,\nteam-a,B,team,\n", ":3: field 'id'", "duplicate Team id"),
        ("teams", HEADER + "team-a,A,team,team-nowhere\n", ":2: field 'parent'", "no Team has this id"),
        ("people", "id,name,unit\np-1,Ann,team-nowhere\n", ":2: field 'unit'", "no Team has this id"),
        ("people", "id,name\np-1,Ann\n", ":1", "missing required column(s) unit"),
        ("systems", "id,name,criticality\nsys-a,A,extreme\n", ":2: field 'criticality'", "expected one of"),
        ("processes", "id,code,name,layer\nproc-1,1.x,A,backstage\n", ":2: field 'code'", "matching"),
        ("processes", "id,code,name,layer\nproc-1,1.2,A,backstage\n", ":2: field 'code'", "parent code 1.0"),
        ("processes", "id,code,name,layer\nproc-1,1.0,A,middle\n", ":2: field 'layer'", "expected one of"),
        ("customers", "id,name,since\nc-1,Ann,yesterday\n", ":2: field 'since'", "expected a date"),
        ("feedback", "id,touchpoint,date,kind\nfb-1,tp-nope,2026-01-01,survey\n", ":2: field 'touchpoint'", "no Touchpoint"),
        ("feedback", "id,touchpoint,date,kind,score\nfb-1,tp-bb-order,2026-01-01,survey,eleven\n", ":2: field 'score'", "expected a number"),
        ("feedback", "id,channel,date,kind\nfb-1,ch-nope,2026-01-01,survey\n", ":2: field 'channel'", "no Channel has this id (got 'ch-nope')"),
        ("feedback", "id,touchpoint,channel,date,kind\nfb-1,tp-bb-book-slot,ch-web,2026-01-01,survey\n", ":2: field 'channel'", "expected exactly one of touchpoint or channel, not both (touchpoint is 'tp-bb-book-slot') (got 'ch-web')"),
        ("feedback", "id,touchpoint,channel,date,kind\nfb-1,,,2026-01-01,survey\n", ":2: field 'touchpoint'", "expected exactly one of touchpoint or channel, got neither"),
        ("feedback", "id,channel,date,kind\nfb-1,,2026-01-01,survey\n", ":2: field 'channel'", "expected exactly one of touchpoint or channel, got neither"),
        ("feedback", "id,date,kind\nfb-1,2026-01-01,survey\n", ":1", "missing required column(s) touchpoint or channel"),
    ],
)  # fmt: skip
async def test_bad_input_is_located_and_changes_nothing(
    demo_store_copy: FalkorStore,
    tmp_path: Path,
    kind: str,
    content: str,
    where: str,
    message: str,
) -> None:
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    bad = tmp_path / f"{kind}.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(LoadFailed) as failed:
        await load(demo_store_copy, [Source(kind, bad)])
    problems = [str(p) for p in failed.value.problems]
    assert any(p.startswith(f"{bad}{where}") and message in p for p in problems), problems
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("id,name\nteam-a,Caf\xe9\n".encode("latin-1"), "not UTF-8 text"),
        (b"PK\x03\x04\x00\x00\x00binary\x00garbage", "binary file"),
    ],
)
async def test_unreadable_files_are_located_and_change_nothing(
    demo_store_copy: FalkorStore, tmp_path: Path, raw: bytes, message: str
) -> None:
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    bad = tmp_path / "teams.csv"
    bad.write_bytes(raw)
    with pytest.raises(LoadFailed) as failed:
        await load(demo_store_copy, [Source("teams", bad)])
    assert any(str(p).startswith(str(bad)) and message in str(p) for p in failed.value.problems)
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") == before


async def test_a_problem_in_the_last_file_undoes_the_whole_load(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    good = tmp_path / "teams.csv"
    good.write_text("id,name,kind\nteam-new,New team,team\n", encoding="utf-8")
    bad = tmp_path / "people.csv"
    bad.write_text("id,name,unit\np-new,New person,team-missing\n", encoding="utf-8")
    with pytest.raises(LoadFailed):
        await load(demo_store_copy, [Source("teams", good), Source("people", bad)])
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") == before


async def test_one_load_at_a_time(empty_store: FalkorStore, tmp_path: Path) -> None:
    connection = empty_store._client.connection
    await connection.set("test~lock", str(os.getpid()))  # a live process holds the graph
    try:
        with pytest.raises(GraphBusy, match=f"pid {os.getpid()}"):
            await load(empty_store, directory_sources(DEMO_DIR))
    finally:
        await connection.delete("test~lock")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    await connection.set("test~lock", dead.stdout.strip())  # left behind by a killed load
    assert (await load(empty_store, directory_sources(DEMO_DIR))).changed


async def test_killing_a_load_midway_leaves_the_graph_as_before(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    files = tmp_path / "enterprise"
    generate(files, scale=0.2, seed=7)  # about 300k nodes and relationships: several seconds
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    engine: EmbeddedEngine = demo_store_copy.embedded
    env = {**os.environ, "CXGRAPH_DATA_DIR": str(engine.data_dir), "CXGRAPH_GRAPH": "copy"}
    loader = subprocess.Popen(
        [sys.executable, "-m", "loaders.cli", "load", "all", str(files), "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    connection = demo_store_copy._client.connection
    try:
        deadline = time.monotonic() + 60
        # wait until the load is writing into its staging copy, then give it a moment
        while not await connection.exists("copy~staging"):
            assert loader.poll() is None, "the load ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        assert loader.poll() is None, "the load ended before it could be killed"
        loader.send_signal(signal.SIGKILL)
    finally:
        loader.wait(30)
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") == before
    # and the next load goes through, although the killed one left its lock behind
    report = await load(demo_store_copy, directory_sources(files))
    assert report.nodes["Customer"].created > 0


@pytest.mark.parametrize("failing", ["a write", "the reading"])
async def test_a_failure_midway_leaves_the_graph_as_before(
    failing: str, demo_store_copy: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On the embedded engine a batch's writes are still running while the next batches are
    # read, and further writes are sent before they end: the engine failing one of them, or
    # an error while reading on, fails the load, which changes nothing and leaves nothing
    # writing behind it.
    files = tmp_path / "enterprise"
    generate(files, scale=0.1, seed=3)  # batches fill while customers are read
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    send_write = FalkorStore.send_write
    sent: list[str] = []

    async def count_writes(self: FalkorStore, name: str, params: Any) -> Any:
        if name.startswith("create/rel/"):
            sent.append(name)
            if failing == "a write" and len(sent) == 5:
                params = {**params, "rows": [1]}  # the engine fails it: 1 is no list
        return await send_write(self, name, params)

    read = pipeline.read_sources

    def read_until(*args: Any) -> Iterator[Any]:
        for item in read(*args):
            if failing == "the reading" and len(sent) >= 5:
                raise OSError("the disk went away")
            yield item

    monkeypatch.setattr(FalkorStore, "send_write", count_writes)
    monkeypatch.setattr(pipeline, "read_sources", read_until)
    with pytest.raises((QueryError, OSError)) as failed:
        await load(demo_store_copy, directory_sources(files))
    monkeypatch.undo()
    if failing == "a write":
        assert isinstance(failed.value, QueryError)
        assert str(failed.value).startswith("query create/rel/"), failed.value
    await asyncio.sleep(1)  # what the load left running, if anything, would write now

    assert len(sent) >= 5
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") == before
    assert not await demo_store_copy._client.connection.exists("copy~staging")
    # the load let go of the graph: the next one goes through
    report = await load(demo_store_copy, directory_sources(files))
    assert report.nodes["Customer"].created > 0


async def test_feedback_scores_become_monthly_measurements(demo_store: FalkorStore) -> None:
    # Worked out here from feedback.csv, independently of the query that derives them.
    groups: dict[tuple[str, str, str], list[float]] = {}
    for row in read_csv(DEMO_DIR / "feedback.csv"):
        if row["metric"] and row["score"] and row["touchpoint"]:  # else: a channel's only
            key = (row["touchpoint"], row["metric"], row["date"][:7])
            groups.setdefault(key, []).append(float(row["score"]))
    assert len(groups) > 20
    ids = [f"m-{tp}-{metric}-{month}" for tp, metric, month in groups]
    found = {
        row["node"]["id"]: row["node"]
        for row in await demo_store.read(node_query("get", "Measurement"), {"ids": ids})
    }
    assert set(found) == set(ids)
    for (tp, metric, month), scores in groups.items():
        node = found[f"m-{tp}-{metric}-{month}"]
        expected: float
        if metric == "nps":
            promoters = sum(s >= 9 for s in scores)
            detractors = sum(s <= 6 for s in scores)
            expected = round(100 * (promoters - detractors) / len(scores))
        else:
            expected = round(sum(scores) / len(scores), 2)
        assert node["value"] == pytest.approx(expected), node
        assert node["sampleSize"] == len(scores)
        assert node["phase"] == "after"
        assert node["date"] == f"{month}-01"


def newer_export(demo: Path) -> None:
    """Change the demo company's files in every way a load writes: a renamed team and a new
    one, a person with a new manager, a customer gone (for --prune) and feedback moved from
    its touchpoint to a channel (its links and measurements derived again)."""
    rewrite(demo / "teams.csv", {"team-web": {"name": "Web Platform"}})
    with (demo / "teams.csv").open("a", encoding="utf-8") as teams:
        teams.write("team-lab,Innovation Lab,team,team-digital,\n")
    people = read_csv(demo / "people.csv")
    person = next(p for p in people if p["manager"] not in ("", "p-ingrid-halvorsen"))
    rewrite(demo / "people.csv", {person["id"]: {"manager": "p-ingrid-halvorsen"}})
    with_feedback = {r["customer"] for r in read_csv(demo / "feedback.csv")}
    quiet = next(r["id"] for r in read_csv(demo / "customers.csv") if r["id"] not in with_feedback)
    rewrite(demo / "customers.csv", drop=quiet)
    rewrite(demo / "feedback.csv", {"fb-0004": {"touchpoint": "", "channel": "ch-email"}})


async def load_failing_at_its_very_end(
    store: FalkorStore, sources: list[Source], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Load `sources` with --prune, failing once everything is written, before the load run
    is recorded."""

    async def fail(*_: Any) -> None:
        raise RuntimeError("the engine went away before the load run was recorded")

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "_write_run", fail)
        with pytest.raises(RuntimeError, match="went away"):
            await load(store, sources, prune=True)


@pytest.mark.parametrize("in_steps", [False, True], ids=["in a copy", "in steps"])
async def test_a_newer_export_failing_at_its_very_end_changes_nothing(
    in_steps: bool, empty_store: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_store.in_steps = in_steps
    demo = copy_demo(tmp_path)
    await load(empty_store, directory_sources(demo))
    before = await snapshot(empty_store, tmp_path / "before.jsonl")
    newer_export(demo)

    await load_failing_at_its_very_end(empty_store, directory_sources(demo), monkeypatch)
    assert await snapshot(empty_store, tmp_path / "after.jsonl") == before
    # the same load, not failing, changes the graph in each of those ways
    report = await load(empty_store, directory_sources(demo), prune=True)
    totals = report.totals()
    assert min(totals["created"], totals["updated"], totals["deleted"]) > 0, totals
    assert await snapshot(empty_store, tmp_path / "loaded.jsonl") != before
    for label in ("UnitOfWork", "UndoStep"):
        assert (await empty_store.read(node_query("count", label)))[0]["count"] == 0


async def test_killing_a_load_in_steps_midway_is_undone_by_the_next_writer(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    # In steps, what a killed load wrote is in the graph until someone undoes it: the API at
    # start-up, or the next load.
    files = tmp_path / "enterprise"
    generate(files, scale=0.1, seed=5)
    before = await snapshot(demo_store_copy, tmp_path / "before.jsonl")
    engine: EmbeddedEngine = demo_store_copy.embedded
    env = {
        **os.environ,
        "CXGRAPH_DATA_DIR": str(engine.data_dir),
        "CXGRAPH_GRAPH": "copy",
        "CXGRAPH_LOAD_IN_STEPS": "true",
    }
    loader = subprocess.Popen(
        [sys.executable, "-m", "loaders.cli", "load", "all", str(files), "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        # wait until the load has written a few steps
        while (await demo_store_copy.read(node_query("count", "UndoStep")))[0]["count"] < 5:
            assert loader.poll() is None, "the load ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        loader.send_signal(signal.SIGKILL)
    finally:
        loader.wait(30)
    assert await snapshot(demo_store_copy, tmp_path / "killed.jsonl") != before
    done = await demo_store_copy.recover()  # as the API does when it starts
    assert str(done).startswith("undid unit of work")
    assert await snapshot(demo_store_copy, tmp_path / "after.jsonl") == before
    assert (await demo_store_copy.read(node_query("count", "UndoStep")))[0]["count"] == 0
    # and the next load goes through, although the killed one left its lock behind
    demo_store_copy.in_steps = True
    report = await load(demo_store_copy, directory_sources(files))
    assert report.nodes["Customer"].created > 0


async def test_a_big_newer_export_in_steps_failing_at_its_end_changes_nothing(
    empty_store: FalkorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many batches of every kind, their writes sent ahead of each other, each with its undo
    # read from the graph before it is sent: undone, they give back the graph before.
    empty_store.in_steps = True
    older, newer = tmp_path / "older", tmp_path / "newer"
    generate(older, scale=0.03, seed=11)
    generate(newer, scale=0.03, seed=12)  # the same ids, other names, links and scores
    await load(empty_store, directory_sources(older))
    before = await snapshot(empty_store, tmp_path / "before.jsonl")

    await load_failing_at_its_very_end(empty_store, directory_sources(newer), monkeypatch)
    assert await snapshot(empty_store, tmp_path / "after.jsonl") == before
    report = await load(empty_store, directory_sources(newer), prune=True)
    assert report.totals()["updated"] > 1000, report.totals()
