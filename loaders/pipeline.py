"""Read sources, validate everything, then write it through the graph store in batches."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.journeys import read_journey_map
from loaders.records import Batch, LoadFailed, NodeRecord, RelRecord
from loaders.tables import TABLES, read_table
from loaders.validate import check_batch, referenced_ids
from ontology.model import Schema, load_schema
from queries.generated import nodes_by_ids_name, upsert_node_name, upsert_relationship_name
from queries.store import GraphStore

Reader = Callable[[Path, Schema], Batch]


def _table_reader(kind: str) -> Reader:
    spec = TABLES[kind]
    return lambda path, schema: read_table(path, spec, schema)


READERS: dict[str, Reader] = {kind: _table_reader(kind) for kind in TABLES} | {
    "journeys": read_journey_map,
}
"""Source kinds and their readers; the kind names the `cxgraph load` sub-commands."""

DEMO_DIR = Path(__file__).resolve().parent / "demo"


@dataclass(frozen=True)
class Source:
    """One file to load and the kind of source it is."""

    kind: str
    path: Path

    @property
    def name(self) -> str:
        """What provenance records as the source: `kind:file name`."""
        return f"{self.kind}:{self.path.name}"


def directory_sources(directory: Path) -> list[Source]:
    """The sources of a directory laid out like loaders/demo: `<kind>.csv` for each table
    kind present, and journey maps in `journeys/*.yaml`."""
    sources = [
        Source(kind, directory / f"{kind}.csv")
        for kind in TABLES
        if (directory / f"{kind}.csv").is_file()
    ]
    sources += [
        Source("journeys", path) for path in sorted((directory / "journeys").glob("*.yaml"))
    ]
    return sources


def demo_sources() -> list[Source]:
    """The demo company's files (loaders/demo), every kind."""
    return directory_sources(DEMO_DIR)


@dataclass
class LoadReport:
    """What one load wrote."""

    run_id: str
    nodes: Counter[str] = field(default_factory=Counter)
    relationships: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of each phase: read (parse and validate), nodes, relationships, finish."""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "run": self.run_id,
            "nodes": dict(sorted(self.nodes.items())),
            "relationships": dict(sorted(self.relationships.items())),
            "seconds": {phase: round(s, 3) for phase, s in self.seconds.items()},
        }


def read_sources(sources: Sequence[Source], schema: Schema) -> tuple[Batch, dict[int, Source]]:
    """All records of `sources`, and which source each record came from (by record id())."""
    batch = Batch()
    origin_of: dict[int, Source] = {}
    for source in sources:
        part = READERS[source.kind](source.path, schema)
        for record in [*part.nodes, *part.rels]:
            origin_of[id(record)] = source
        batch.extend(part)
    return batch, origin_of


async def load(store: GraphStore, sources: Sequence[Source], *, agent: str = "cli") -> LoadReport:
    """Validate `sources` as one load and write them; raises LoadFailed and writes nothing
    when any problem is found."""
    schema = load_schema()
    clock = time.perf_counter()
    batch, origin_of = read_sources(sources, schema)
    existing: dict[str, set[str]] = {}
    if not batch.problems:
        for label, ids in referenced_ids(batch).items():
            rows = await store.read(nodes_by_ids_name(label), {"ids": sorted(ids)})
            existing[label] = {row["node"]["id"] for row in rows}
    if problems := check_batch(batch, schema, existing):
        raise LoadFailed(problems)

    started = dt.datetime.now(dt.UTC)
    report = LoadReport(f"run-{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}")

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[phase] = now - clock
        clock = now

    lap("read")
    run_props = {"kind": ",".join(sorted({s.kind for s in sources})), "agent": agent}
    await _write_run(
        store, report.run_id, {**run_props, "status": "running", "startedAt": started.isoformat()}
    )

    def provenance(record: NodeRecord | RelRecord) -> dict[str, str]:
        return {"source": origin_of[id(record)].name, "loadRun": report.run_id}

    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in batch.nodes:
        by_label[node.label].append({"id": node.id, "props": {**node.props, **provenance(node)}})
    for label, rows in by_label.items():
        report.nodes[label] += await store.write_rows(upsert_node_name(label), rows)
    lap("nodes")

    by_triple: dict[tuple[str, str, str], dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    for rel in batch.rels:
        row = {
            "from": rel.source_id,
            "to": rel.target_id,
            "props": {**rel.props, **provenance(rel)},
        }
        by_triple[(rel.source_label, rel.type, rel.target_label)][
            (rel.source_id, rel.target_id)
        ] = row
    for (source_label, rel_type, target_label), unique in by_triple.items():
        name = upsert_relationship_name(source_label, rel_type, target_label)
        report.relationships[rel_type] += await store.write_rows(name, list(unique.values()))
    lap("relationships")

    feedback = [n for n in batch.nodes if n.label == "Feedback"]
    if feedback:
        result = await store.write(
            "feedback/link_evidence",
            {
                "ids": [n.id for n in feedback],
                "source": origin_of[id(feedback[0])].name,
                "loadRun": report.run_id,
            },
        )
        report.relationships["EVIDENCES"] += int(result.rows[0]["linked"])

    finished = dt.datetime.now(dt.UTC).isoformat()
    await _write_run(
        store, report.run_id, {**run_props, "status": "committed", "finishedAt": finished}
    )
    await store.after_bulk_load()
    lap("finish")
    return report


async def _write_run(store: GraphStore, run_id: str, props: dict[str, Any]) -> None:
    await store.write_rows(upsert_node_name("LoadRun"), [{"id": run_id, "props": props}])


async def load_demo_if_empty(store: GraphStore) -> LoadReport | None:
    """Load the demo company into an empty graph; None when the graph already has data."""
    (row,) = await store.read("graph/is_empty")
    if not row["empty"]:
        return None
    return await load(store, demo_sources(), agent="demo")
