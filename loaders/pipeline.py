"""One load: stream the sources, validate every record, write what changed, atomically.

Records are validated and written in batches as they are read, inside one unit of work of
the store (`GraphStore.atomic`): if any problem turns up — even in the last row of the last
file — the unit of work is discarded and the graph is exactly as before. Nodes and
relationships that are already in the graph with the same values are not written again, so
a load of unchanged files changes nothing, not even provenance; a load that changes nothing
leaves no load run behind either.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import time
import uuid
from collections import defaultdict, deque
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
    Iterator,
    Sequence,
)
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from loaders.bpmn import read_bpmn
from loaders.categories import CategoryMap
from loaders.journeys import read_journey_map
from loaders.orgchart import DEFAULT_MAPPING, reader_for
from loaders.rdf import read_rdf
from loaders.records import Item, LoadFailed, LoadProblem, NodeRecord, Origin, RelRecord
from loaders.tables import TABLES, read_table
from ontology.model import Schema, load_schema
from ontology.values import timestamp
from queries.generated import create_columns, node_query, rel_query
from queries.measures import Measured, measure
from queries.store import GraphStore, QueryRunner, Result, Staged, chunks

Reader = Callable[[Path, Schema], Iterator[Item]]
Triple = tuple[str, str, str]

BATCH_SIZE = 5000
YIELD_EVERY = 100
"""Rows read between two turns of the event loop (and calls of `progress`).

The engine's replies are taken, and the batches compared meanwhile are sent, only at such
a turn; the engine writes a batch of 5,000 in 10-30 ms. With 500, scale-1 loads took 5-10%
longer than with 100, with writes sent ahead (`_Lane`) or not."""
WRITES_AHEAD = 8
"""Writes sent to the engine and not yet done, at most (embedded engine, `_Lane`)."""
BATCHES_AHEAD = 64
"""Batches being compared and written while the sources are read on (embedded engine).

Deep enough for the engine to catch up later: reading a file of customers or feedback
gives it more to write than Python takes to read, and journey maps the reverse. A scale-1
load waited 19 s for the engine with 4, 8 s with 64; the batches cost about 80 MB more."""
MAX_PROBLEMS = 200
PROVENANCE = ("source", "loadRun")
_DERIVED_RELS = {
    ("Feedback", "EVIDENCES", "PainPoint"),
    *(("Measurement", "OF", target) for target in ("Touchpoint", "Channel")),
}
"""Relationships that deriving from feedback writes (`_Writer.link_feedback`, measure)."""
FEEDBACK_PLACES = {("Feedback", "ABOUT"), ("Feedback", "VIA")}
"""Where feedback was given: every feedback has one of these, and is linked once it has."""
PAIN_POINT_PLACE = ("PainPoint", "OCCURS_AT", "Touchpoint")
PAIN_POINT_KINDS = {"journeys", "rdf"}
"""Source kinds whose files may give pain points and where they occur."""


def _table_reader(kind: str) -> Reader:
    spec = TABLES[kind]
    return lambda path, schema: read_table(path, spec, schema)


READERS: dict[str, Reader] = {kind: _table_reader(kind) for kind in TABLES} | {
    "journeys": read_journey_map,
    "bpmn": read_bpmn,
    "rdf": read_rdf,
    "org": reader_for(DEFAULT_MAPPING),
}
"""Source kinds and their readers; the kind names the `cxgraph load` sub-commands."""

DEMO_DIR = Path(__file__).resolve().parent / "demo"


@dataclass(frozen=True)
class Source:
    """One file to load and the kind of source it is."""

    kind: str
    path: Path
    reader: Reader | None = field(default=None, compare=False)
    """Reads this source instead of the kind's default reader (an org chart with its
    column mapping, say)."""

    @property
    def name(self) -> str:
        """What provenance records as the source: `kind:file name`."""
        return f"{self.kind}:{self.path.name}"


def directory_sources(directory: Path) -> list[Source]:
    """The sources of a directory laid out like loaders/demo: `<kind>.csv` for each table
    kind present, journey maps in `journeys/` (.yaml, .yml, .json) and BPMN diagrams in
    `bpmn/*.bpmn`.

    Customers and feedback come last: their rows point at personas, segments, touchpoints
    and channels of the journey maps, whose relationships are then written as they are read
    instead of being kept until the end of the load; and feedback is linked to the pain
    points of the journey maps as it is written (`_linked_as_written`).
    """

    def tables(kinds: Iterable[str]) -> list[Source]:
        paths = ((kind, directory / f"{kind}.csv") for kind in kinds)
        return [Source(kind, path) for kind, path in paths if path.is_file()]

    journeys = [
        Source("journeys", path)
        for path in sorted((directory / "journeys").glob("*"))
        if path.suffix in {".yaml", ".yml", ".json"}
    ]
    bpmn = [Source("bpmn", path) for path in sorted((directory / "bpmn").glob("*.bpmn"))]
    last = ("customers", "feedback")
    return [*tables(k for k in TABLES if k not in last), *journeys, *bpmn, *tables(last)]


def demo_sources() -> list[Source]:
    """The demo company's files (loaders/demo), every kind."""
    return directory_sources(DEMO_DIR)


def read_sources(sources: Sequence[Source], schema: Schema) -> Iterator[tuple[Source, Item]]:
    """Every record and problem of `sources`, streamed, with the source it came from."""
    for source in sources:
        for item in (source.reader or READERS[source.kind])(source.path, schema):
            yield source, item


@dataclass
class Counts:
    """What a load did to the nodes of one label or the relationships of one type."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def total(self) -> int:
        """Items the sources hold (created, updated or unchanged)."""
        return self.created + self.updated + self.unchanged


@dataclass
class LoadReport:
    """What one load did (or, with dry_run, would do)."""

    run_id: str | None
    """The load run recorded in the graph; None when nothing changed or on a dry run."""
    dry_run: bool = False
    rows: int = 0
    nodes: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    relationships: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Wall time of each phase: write (read, validate, compare with the graph and write the
    sources, all overlapping), derive (link and measure feedback), finish (prune, record the
    run, put the new graph in place)."""
    category_map: CategoryMap | None = None
    """The category map applied to the feedback of this load, with what it did."""

    @property
    def changed(self) -> bool:
        """True when the load created, updated or deleted anything."""
        return any(
            c.created or c.updated or c.deleted
            for c in [*self.nodes.values(), *self.relationships.values()]
        )

    def totals(self) -> dict[str, int]:
        """created, updated, unchanged and deleted, over nodes and relationships."""
        every = [*self.nodes.values(), *self.relationships.values()]
        return {
            key: sum(getattr(c, key) for c in every)
            for key in ("created", "updated", "unchanged", "deleted")
        }

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""

        def counts(by: dict[str, Counts]) -> dict[str, dict[str, int]]:
            return {key: {**vars(c), "total": c.total} for key, c in sorted(by.items())}

        return {
            "run": self.run_id,
            "dry_run": self.dry_run,
            "changed": self.changed,
            "rows": self.rows,
            "totals": self.totals(),
            "nodes": counts(self.nodes),
            "relationships": counts(self.relationships),
            "seconds": {phase: round(s, 3) for phase, s in self.seconds.items()},
        } | self._categories()

    def _categories(self) -> dict[str, Any]:
        if self.category_map is None:
            return {}
        return {
            "category_map": {
                "file": str(self.category_map.path),
                "mapped": self.category_map.mapped,
                "unmapped": dict(sorted(self.category_map.unmapped.items())),
                "no_pain_point": self.category_map.no_pain_point,
            }
        }


class _Validator:
    """Checks that need more than one record: duplicate ids, cardinalities, cycles."""

    HIERARCHIES: ClassVar = {("Person", "REPORTS_TO"), ("Team", "PART_OF"), ("Process", "PART_OF")}

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.problems: list[LoadProblem] = []
        self.count = 0
        # Kept for every record of a load, so kept small: a packed (file, line) per node id,
        # the target id per single-valued relationship.
        self.seen: dict[str, dict[str, int | Origin]] = defaultdict(dict)
        self.files: dict[str, int] = {}
        self.single: dict[tuple[str, str], int] = {}
        self.limited: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        self.edges: dict[tuple[str, str], list[RelRecord]] = defaultdict(list)
        # (label, type) -> the types of its exactly-one group; the type given to each node
        self.groups = {
            (label, rel_type): group
            for label, node_type in schema.node_types.items()
            for group in node_type.exactly_one
            for rel_type in group
        }
        self.given_one: dict[tuple[str, tuple[str, ...]], dict[str, str]] = defaultdict(dict)
        for rel in schema.relationship_types.values():
            for ep in rel.endpoints:
                if ep.max_count == 1:
                    self.single[(ep.source, rel.type)] = 1
        self.rules = {
            (label, rel_type, target): self._rules(label, rel_type)
            for label, rel_type, target in schema.endpoints()
        }
        """The relationships the ontology allows, with what to check of each."""

    def add(self, problem: LoadProblem) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def check(self, item: Item) -> None:
        if isinstance(item, LoadProblem):
            self.add(item)
        elif isinstance(item, NodeRecord):
            first = self.seen[item.label].get(item.id)
            if first is not None:
                self.add(
                    LoadProblem(
                        item.origin.at("id"),
                        f"duplicate {item.label} id, first given at {self._unpack(first)}",
                        item.id,
                    )
                )
            else:
                self.seen[item.label][item.id] = self._pack(item.origin)
        else:
            rules = self.rules.get((item.source_label, item.type, item.target_label))
            if rules is None:
                self.add(
                    LoadProblem(
                        item.origin,
                        f"a {item.source_label} cannot {item.type} a {item.target_label}",
                    )
                )
                rules = self._rules(item.source_label, item.type)
            if rules:
                self._check_rules(item, rules)

    def _rules(self, label: str, rel_type: str) -> tuple[Any, ...]:
        """What to check of a relationship of `rel_type` from a `label`, as the rules that
        `_once` applies (at most one target; one type of an exactly-one group) and whether
        it is part of a hierarchy; () when nothing."""
        key = (label, rel_type)
        group = self.groups.get(key)
        if key not in self.single and group is None and key not in self.HIERARCHIES:
            return ()
        at_most_one = f"a {label} has at most one {rel_type}" if key in self.single else None
        exactly_one = None if group is None else f"a {label} has exactly one of {', '.join(group)}"
        return (at_most_one, group, exactly_one, key in self.HIERARCHIES)

    def _check_rules(self, item: RelRecord, rules: tuple[Any, ...]) -> None:
        at_most_one, group, exactly_one, hierarchy = rules
        key = (item.source_label, item.type)
        if at_most_one is not None:
            self._once(self.limited[key], item, item.target_id, at_most_one)
        if exactly_one is not None:
            self._once(self.given_one[(item.source_label, group)], item, item.type, exactly_one)
        if hierarchy:
            self.edges[key].append(item)

    def _once(self, given: dict[str, str], item: RelRecord, value: str, rule: str) -> None:
        """Remember `value` for the source node of `item`; a problem breaking `rule` when it
        was given another one before."""
        previous = given.setdefault(item.source_id, value)
        if previous != value:
            self.add(
                LoadProblem(
                    item.origin,
                    f"{rule}, and {item.source_id!r} was also given {previous!r}",
                    item.target_id,
                )
            )

    def _pack(self, origin: Origin) -> int | Origin:
        if not isinstance(origin.line, int) or origin.line >= 1 << 32:
            return origin
        index = self.files.setdefault(origin.file, len(self.files))
        return index << 32 | origin.line

    def _unpack(self, packed: int | Origin) -> Origin:
        if isinstance(packed, Origin):
            return packed
        files = {index: file for file, index in self.files.items()}
        return Origin(files[packed >> 32], packed & 0xFFFFFFFF)

    def finish(self) -> None:
        for edges in self.edges.values():
            for problem in _cycles(edges):
                self.add(problem)


class _Lane:
    """Writes one after another, each sent while the caller goes on preparing the next.

    On the embedded engine (`overlaps_writes`) writes are sent in order without waiting for
    the ones before them to end (`QueryRunner.send_write`): the engine always has the next
    one while Python reads and compares on, and up to WRITES_AHEAD are under way. The reads
    of a load do not depend on its writes in flight: they ask for nodes and relationships
    that were in the graph before the load, or that a write of the same load could only have
    made if the sources gave them twice, which the validator refuses for nodes and the
    writer merges for relationships. Elsewhere each write has run when it is sent.
    """

    def __init__(self, target: QueryRunner) -> None:
        self.target = target
        self.pending: deque[asyncio.Future[Result]] = deque()

    async def write_rows(self, name: str, rows: list[Any], params: dict[str, Any]) -> None:
        """Send rows to a query whose result is not needed, in batches, after the writes
        sent before."""
        for batch in chunks(rows):
            self.pending.append(await self.target.send_write(name, {**params, "rows": batch}))
            while len(self.pending) > WRITES_AHEAD or (self.pending and self.pending[0].done()):
                await self.pending.popleft()  # its error, if it failed

    async def write(self, name: str, params: dict[str, Any]) -> Result:
        """Run a write whose result is needed, after the ones under way."""
        await self.wait()
        return await self.target.write(name, params)

    async def wait(self) -> None:
        """Wait until the writes under way are done; the error of the first that failed."""
        while self.pending:
            await self.pending.popleft()

    async def settle(self) -> None:
        """Wait for the writes under way without caring how they end: the load failed
        already, and its unit of work is discarded once nothing writes to it any more."""
        while self.pending:
            with contextlib.suppress(Exception):
                await self.pending.popleft()


class _Writer:
    """Buffers records, compares each batch with the graph, and writes what differs."""

    def __init__(
        self,
        target: QueryRunner,
        schema: Schema,
        run_id: str,
        report: LoadReport,
        loaded: dict[str, dict[str, int | Origin]],
        *,
        dry_run: bool,
        prune: bool,
    ) -> None:
        self.target = target
        self.lane = _Lane(target)
        self.batches: deque[asyncio.Future[None]] = deque()
        self.loaded = loaded
        self.run_id = run_id
        self.report = report
        self.dry_run = dry_run
        self.nodes: dict[str, list[tuple[NodeRecord, str]]] = defaultdict(list)
        self.rels: dict[Triple, list[tuple[RelRecord, str]]] = defaultdict(list)
        self.deferred: list[tuple[RelRecord, str]] = []
        self.kept: dict[str, dict[str, set[str]]] | None = (
            defaultdict(lambda: defaultdict(set)) if prune else None
        )
        self.kept_rels: dict[str, dict[Triple, set[tuple[str, str]]]] | None = (
            defaultdict(lambda: defaultdict(set)) if prune else None
        )
        self.feedback: dict[str, list[str]] = defaultdict(list)
        # touchpoints and channels whose measurements feedback of each source changes
        self.feedback_touchpoints: dict[str, set[str]] = defaultdict(set)
        self.feedback_channels: dict[str, set[str]] = defaultdict(set)
        self.linking: set[str] = set()
        """Feedback sources whose feedback is linked to pain points as it is written, not
        after the load (`start_linking`)."""
        self.stated_evidence: set[str] = set()
        """Sources that give EVIDENCES relationships themselves (RDF), not only derived ones."""
        self.derived_nodes: dict[str, set[str]] = defaultdict(set)
        self.derived_rels: dict[Triple, set[tuple[str, str]]] = defaultdict(set)
        """What deriving from feedback linked and measured, which --prune keeps."""
        self.empty: set[str] = set()
        """Labels without nodes when the load began: their nodes and relationships are new."""
        self.columns = {label: create_columns(t) for label, t in schema.node_types.items()}
        self.created_rels: dict[Triple, set[int]] = defaultdict(set)
        """Hashes of the (from, to) of the relationships this load created, by triple: one
        given again in a later batch is merged with the first, not created twice."""
        self.single_valued = {
            (ep.source, rel.type, target)
            for rel in schema.relationship_types.values()
            for ep in rel.endpoints
            if ep.max_count == 1
            for target in ep.targets
        }
        # a Feedback is ABOUT a touchpoint or VIA a channel: giving one drops the other
        self.exclusive: dict[tuple[str, str], list[Triple]] = {
            (label, rel_type): [
                (label, other, target)
                for other in group
                if other != rel_type
                for ep in schema.relationship_types[other].endpoints
                if ep.source == label
                for target in ep.targets
            ]
            for label, node_type in schema.node_types.items()
            for group in node_type.exactly_one
            for rel_type in group
        }

    def add(self, item: NodeRecord | RelRecord, source: str) -> Coroutine[Any, Any, None] | None:
        """Buffer `item`; when that fills a batch, the coroutine that writes it."""
        if isinstance(item, NodeRecord):
            batch = self.nodes[item.label]
            batch.append((item, source))
            if self.kept is not None:
                self.kept[source][item.label].add(item.id)
            if item.label == "Feedback":
                self.feedback[source].append(item.id)
            if len(batch) >= BATCH_SIZE:
                return self.flush_nodes(item.label)
        else:
            triple = (item.source_label, item.type, item.target_label)
            if triple == ("Feedback", "ABOUT", "Touchpoint"):
                self.feedback_touchpoints[source].add(item.target_id)
            elif triple == ("Feedback", "VIA", "Channel"):
                self.feedback_channels[source].add(item.target_id)
            elif item.type == "EVIDENCES":
                self.stated_evidence.add(source)
            rel_batch = self.rels[triple]
            rel_batch.append((item, source))
            if self.kept_rels is not None:
                self.kept_rels[source][triple].add((item.source_id, item.target_id))
            if len(rel_batch) >= BATCH_SIZE:
                return self.flush_rels(triple)
        return None

    async def note_empty_labels(self, schema: Schema) -> None:
        """Remember which labels have no node yet: their batches need no comparison with
        the graph (a first load of a big file then writes at full speed)."""
        for label in schema.labels:
            (row,) = await self.target.read(node_query("count", label))
            if row["count"] == 0:
                self.empty.add(label)

    async def flush_nodes(self, label: str) -> None:
        """Compare and write the buffered nodes of `label`, after the batches before them."""
        batch, self.nodes[label] = self.nodes[label], []
        if batch:
            await self._after_previous(
                self._graph_nodes(label, batch), partial(self._write_nodes, label, batch)
            )

    async def _after_previous(
        self, read: Awaitable[Any], write: Callable[[Any], Awaitable[None]]
    ) -> None:
        """Compare and write a batch: `read` what the graph holds of it, then `write` what
        differs once the batch before it is written.

        Where writes overlap (`_Lane`), the caller goes on reading the sources meanwhile, with
        up to BATCHES_AHEAD batches under way; their reads go out at once, and they compare
        and write one after another, in the order they were filled.
        """
        if not self.target.overlaps_writes:
            await write(await read)
            return
        previous = self.batches[-1] if self.batches else None

        async def work() -> None:
            found = await read
            if previous is not None:
                await previous
            await write(found)

        self.batches.append(asyncio.ensure_future(work()))
        while len(self.batches) > BATCHES_AHEAD:
            await self.batches.popleft()
        await asyncio.sleep(0)

    async def batches_done(self) -> None:
        """Wait until every batch started has been compared and its writes sent."""
        while self.batches:
            await self.batches.popleft()

    async def settle(self) -> None:
        """Wait for the batch and the write in flight without caring how they end (see
        `_Lane.settle`)."""
        with contextlib.suppress(Exception):
            await self.batches_done()
        await self.lane.settle()

    async def _graph_nodes(
        self, label: str, batch: list[tuple[NodeRecord, str]]
    ) -> dict[str, dict[str, Any]]:
        """The nodes of `batch` the graph holds, by id."""
        if label in self.empty:
            return {}
        ids = [n.id for n, _ in batch]
        rows = await self.target.read(node_query("get", label), {"ids": ids})
        return {row["node"]["id"]: row["node"] for row in rows}

    async def _write_nodes(
        self,
        label: str,
        batch: list[tuple[NodeRecord, str]],
        existing: dict[str, dict[str, Any]],
    ) -> None:
        counts = self.report.nodes[label]
        columns = self.columns[label]
        known = {"id", *columns}
        created: dict[str, list[list[Any]]] = defaultdict(list)
        changed = []
        for node, source in batch:
            old = existing.get(node.id)
            if old is None and node.props.keys() <= known:
                counts.created += 1
                existing[node.id] = node.props  # a later duplicate is unchanged
                created[source].append([node.id, *map(node.props.get, columns)])
                continue
            # a value the source left empty goes, if this source wrote the node
            gone = {
                key: None
                for key in node.cleared
                if old is not None and old.get(key) is not None and old.get("source") == source
            }
            if old is None:
                counts.created += 1
            elif gone or any(old.get(key) != value for key, value in node.props.items()):
                counts.updated += 1
            else:
                counts.unchanged += 1
                continue
            props = {**node.props, **gone}
            existing[node.id] = {**(old or {}), **props}  # a later duplicate is unchanged
            changed.append(
                {"id": node.id, "source": source, "props": {**props, "loadRun": self.run_id}}
            )
        if not self.dry_run:
            for source, new in created.items():
                await self.lane.write_rows(
                    node_query("create", label), new, self._provenance(source)
                )
            if changed:
                await self.lane.write_rows(node_query("upsert", label), changed, {})

    def _provenance(self, source: str) -> dict[str, str]:
        """The provenance parameters of the create queries for what `source` gives."""
        return {"source": source, "loadRun": self.run_id}

    async def flush_all_nodes(self) -> None:
        for label in list(self.nodes):
            await self.flush_nodes(label)

    async def flush_rels(self, triple: Triple) -> None:
        """Compare and write the buffered relationships of `triple`, after the batches
        before them and the nodes buffered so far (their ends)."""
        batch, self.rels[triple] = self.rels[triple], []
        if batch:
            await self.flush_all_nodes()
            await self._after_previous(
                self._graph_rels(triple, batch), partial(self._write_rels, triple, batch)
            )

    async def _graph_rels(
        self, triple: Triple, batch: list[tuple[RelRecord, str]]
    ) -> set[tuple[str, str]]:
        """The (from, to) of the relationships of `batch` the graph holds."""
        if triple[0] in self.empty or triple[2] in self.empty:
            return set()
        keys = {(r.source_id, r.target_id) for r, _ in batch}
        pairs = [list(key) for key in keys]
        # a reload finds all of them: one number says so, without sending them all back
        (count,) = await self.target.read(rel_query("found", *triple), {"rows": pairs})
        if count["found"] == len(keys):
            return keys
        found = await self.target.read(rel_query("existing", *triple), {"rows": pairs})
        return {(row["from"], row["to"]) for row in found}

    async def _write_rels(
        self,
        triple: Triple,
        batch: list[tuple[RelRecord, str]],
        existing: set[tuple[str, str]],
    ) -> None:
        counts = self.report.relationships[triple[1]]
        new = batch
        if existing:
            new = [(r, s) for r, s in batch if (r.source_id, r.target_id) not in existing]
            counts.unchanged += len(batch) - len(new)
        if new:
            ready = await self._create(triple, new)
            if len(ready) < len(new):  # some wait for their ends: linked once they have them
                batch = [(r, s) for r, s in batch if (r.source_id, r.target_id) in existing]
                batch += ready
        await self._link_written(triple, batch)

    async def _link_written(self, triple: Triple, rels: list[tuple[RelRecord, str]]) -> None:
        """Link the feedback of `rels`, now about a touchpoint or via a channel in the graph,
        to pain points, where its source is linked as it is written (`linking`)."""
        if self.linking and triple[:2] in FEEDBACK_PLACES:
            by_source: dict[str, list[str]] = defaultdict(list)
            for rel, source in rels:
                if source in self.linking:
                    by_source[source].append(rel.source_id)
            for source, ids in by_source.items():
                await self.link_feedback(source, ids)

    async def link_feedback(self, source: str, ids: list[str]) -> None:
        """Link feedback `ids` of `source`, written with where it was given, to the pain
        points of its touchpoint that have its category (feedback/evidence), and unlink it
        from pain points it no longer evidences (feedback/stale_evidence). Only what differs
        is written: linking feedback whose links hold writes nothing."""
        evidences = self.report.relationships["EVIDENCES"]
        triple = ("Feedback", "EVIDENCES", "PainPoint")
        # feedback new in this load has no earlier links; an RDF source states its own
        unlink = "Feedback" not in self.empty and source not in self.stated_evidence
        await self.lane.wait()  # the reads below look at what it writes
        for chunk in chunks(ids):
            if unlink:
                params = {"ids": chunk, "source": source}
                stale = await self.target.read("feedback/stale_evidence", params)
                evidences.deleted += len(stale)
                if stale:
                    await self.lane.write_rows(rel_query("delete", *triple), stale, {})
            # the links that hold and the stale ones are apart: this read needs no wait
            pairs = await self.target.read("feedback/evidence", {"ids": chunk})
            missing = [[pair["from"], pair["to"]] for pair in pairs if not pair["linked"]]
            evidences.created += len(missing)
            evidences.unchanged += len(pairs) - len(missing)
            if missing:
                await self.lane.write_rows(
                    rel_query("create", *triple), missing, self._provenance(source)
                )
            self.derived_rels[triple].update((pair["from"], pair["to"]) for pair in pairs)

    async def _create(
        self, triple: Triple, rels: list[tuple[RelRecord, str]]
    ) -> list[tuple[RelRecord, str]]:
        """Create relationships whose ends exist, and return them; defer the others (their
        ends may come later).

        One given twice, in this batch or an earlier one, is merged with the first."""
        sources = await self._absent(triple[0], {r.source_id for r, _ in rels})
        targets = await self._absent(triple[2], {r.target_id for r, _ in rels})
        if sources or targets:
            ready = []
            for rel, source in rels:
                if rel.source_id in sources or rel.target_id in targets:
                    self.deferred.append((rel, source))
                else:
                    ready.append((rel, source))
            rels = ready
        counts = self.report.relationships[triple[1]]
        # Relationships from nodes that are all new cannot have older ones to replace (the
        # validator refuses two managers or a feedback both about a touchpoint and via a
        # channel in one load).
        replacing = bool(rels) and triple[0] not in self.empty
        if replacing and triple in self.single_valued:
            # a newer export names a new manager, parent or channel: the old one goes
            counts.deleted += await self._drop_others(triple, rels, same_type=True)
        for other in self.exclusive.get(triple[:2], []) if replacing else []:
            # feedback now about a channel is no longer about a touchpoint, and back
            deleted = await self._drop_others(other, rels, same_type=False)
            self.report.relationships[other[1]].deleted += deleted
        created = self.created_rels[triple]
        fresh: dict[str, list[list[str]]] = defaultdict(list)
        again: list[tuple[RelRecord, str]] = []
        for rel, source in rels:
            key = hash((rel.source_id, rel.target_id))
            if key in created or rel.props:
                again.append((rel, source))
            else:
                created.add(key)
                fresh[source].append([rel.source_id, rel.target_id])
        counts.created += len(rels) - len(again)
        if self.dry_run:
            counts.unchanged += len(again)  # given before in this load
        else:
            for source, pairs in fresh.items():
                await self.lane.write_rows(
                    rel_query("create", *triple), pairs, self._provenance(source)
                )
            if again:
                await self._merge(triple, again)
        return rels

    async def _merge(self, triple: Triple, rels: list[tuple[RelRecord, str]]) -> None:
        """Write relationships that may be in the graph already (given twice in this load,
        or with properties): merged, and counted by what the engine did."""
        counts = self.report.relationships[triple[1]]
        rows = [
            {
                "from": r.source_id,
                "to": r.target_id,
                "source": s,
                "props": {**r.props, "loadRun": self.run_id},
            }
            for r, s in rels
        ]
        for chunk in chunks(rows):
            result = await self.lane.write(rel_query("upsert", *triple), {"rows": chunk})
            made = result.counters.get("relationships_created", 0)
            counts.created += made
            counts.unchanged += len(chunk) - made

    async def _drop_others(
        self, triple: Triple, ready: list[tuple[RelRecord, str]], *, same_type: bool
    ) -> int:
        """Delete the `triple` relationships from the sources of `ready` to other nodes than
        their targets (to any node, when `triple` is of another type); how many there were.
        The touchpoints and channels that feedback leaves get their measurements redone."""
        pairs = [{"from": r.source_id, "to": r.target_id if same_type else ""} for r, _ in ready]
        if not self.dry_run and triple[0] != "Feedback":
            result = await self.lane.write(rel_query("replace", *triple), {"rows": pairs})
            return int(result.counters.get("relationships_deleted", 0))
        found = await self.target.read(rel_query("others", *triple), {"rows": pairs})
        if triple[0] == "Feedback":
            sources = {r.source_id: s for r, s in ready}
            left = {"ABOUT": self.feedback_touchpoints, "VIA": self.feedback_channels}
            for row in found:
                if (by_source := left.get(triple[1])) is not None:
                    by_source[sources[row["from"]]].add(row["to"])
        if found and not self.dry_run:
            await self.lane.write(rel_query("replace", *triple), {"rows": pairs})
        return len(found)

    async def _absent(self, label: str, ids: set[str]) -> set[str]:
        """Which of `ids` are nowhere: neither given by this load so far (nodes are written
        before relationships) nor in the graph."""
        loaded = self.loaded[label]
        if absent := {i for i in ids if i not in loaded}:
            rows = await self.target.read(node_query("get", label), {"ids": sorted(absent)})
            absent -= {row["node"]["id"] for row in rows}
        return absent

    async def start_linking(self, source: str) -> None:
        """Link the feedback of `source` to pain points as it is written: every pain point
        of the load is then written (no later source gives any), and linking overlaps with
        reading instead of following the load. What is buffered goes first."""
        await self.flush()
        if not any(
            (rel.source_label, rel.type, rel.target_label) == PAIN_POINT_PLACE
            for rel, _ in self.deferred
        ):
            self.linking.add(source)

    async def flush(self) -> None:
        """Compare and write everything still buffered."""
        await self.flush_all_nodes()
        for triple in list(self.rels):
            await self.flush_rels(triple)
        await self.batches_done()

    async def retry_deferred(self) -> list[LoadProblem]:
        """Create the deferred relationships now that every node is written; a problem for
        each whose end is nowhere."""
        deferred, self.deferred = self.deferred, []
        by_triple: dict[Triple, list[tuple[RelRecord, str]]] = defaultdict(list)
        for rel, source in deferred:
            by_triple[(rel.source_label, rel.type, rel.target_label)].append((rel, source))
        for triple, rels in by_triple.items():
            await self._link_written(triple, await self._create(triple, rels))
        problems = []
        for rel, _ in self.deferred:
            for label, node_id in (
                (rel.source_label, rel.source_id),
                (rel.target_label, rel.target_id),
            ):
                if await self._absent(label, {node_id}):
                    problems.append(LoadProblem(rel.origin, f"no {label} has this id", node_id))
        return problems


async def load(
    store: GraphStore,
    sources: Sequence[Source],
    *,
    agent: str = "cli",
    dry_run: bool = False,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
    category_map: CategoryMap | None = None,
) -> LoadReport:
    """Validate and write `sources` as one load; see the module docstring.

    Raises LoadFailed (with every problem found, up to MAX_PROBLEMS) and changes nothing
    when any record is invalid. With `dry_run`, nothing is written and the report says what
    would change. With `prune`, nodes and relationships that a source created in an earlier
    load and no longer holds are deleted. With `category_map`, the category of every
    feedback record is translated by it as it is read (loaders/categories.py).
    """
    with _no_collection_pauses():
        return await _load(
            store,
            sources,
            agent=agent,
            dry_run=dry_run,
            prune=prune,
            progress=progress,
            category_map=category_map,
        )


@contextlib.contextmanager
def _no_collection_pauses() -> Iterator[None]:
    """Keep Python's cyclic garbage collector off for the `with` block.

    A load keeps millions of small objects alive (ids seen, batches); each collection of the
    oldest generation walks all of them, and a scale-1 load spent 40% of its time so. The
    records and batches form no reference cycles, so memory does not grow; what cycles
    there are go in the collection at the end.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


async def _load(
    store: GraphStore,
    sources: Sequence[Source],
    *,
    agent: str,
    dry_run: bool,
    prune: bool,
    progress: Callable[[int], None] | None,
    category_map: CategoryMap | None,
) -> LoadReport:
    schema = load_schema()
    started_at = dt.datetime.now(dt.UTC)
    run_id = f"run-{started_at:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    if category_map is not None:
        category_map = CategoryMap(category_map.path, category_map.categories)  # fresh counts
    report = LoadReport(None if dry_run else run_id, dry_run=dry_run, category_map=category_map)
    clock = time.perf_counter()
    async with _unit_of_work(store, dry_run) as staged:
        validator = _Validator(schema)
        writer = _Writer(
            staged.store, schema, run_id, report, validator.seen, dry_run=dry_run, prune=prune
        )
        await writer.note_empty_labels(schema)
        name_of = {source: source.name for source in sources}
        # feedback given after the last source that may give pain points
        linking = set() if dry_run else _linked_as_written(sources)
        current = None
        try:
            for source, item in read_sources(sources, schema):
                report.rows += 1
                if source is not current:
                    current = source
                    if source in linking and not validator.count:
                        await writer.start_linking(source.name)
                if (
                    category_map is not None
                    and isinstance(item, NodeRecord)
                    and item.label == "Feedback"
                    and "category" in item.props
                ):
                    item.props["category"] = category_map.apply(item.props["category"])
                validator.check(item)
                if (
                    not validator.count
                    and not isinstance(item, LoadProblem)
                    and (flush := writer.add(item, name_of[source])) is not None
                ):
                    await flush
                if report.rows % YIELD_EVERY == 0:
                    if progress is not None:
                        progress(report.rows)
                    # writes and reads in flight go on meanwhile: a batch of thousands of
                    # rows leaves Python over many turns of the event loop
                    await asyncio.sleep(0)
            validator.finish()
            if not validator.count:
                await writer.flush()
                for problem in await writer.retry_deferred():
                    validator.add(problem)
            await writer.lane.wait()
        except BaseException:
            await writer.settle()
            raise
        report.seconds["write"] = time.perf_counter() - clock
        if validator.count:
            raise LoadFailed(validator.problems, validator.count)
        derive = time.perf_counter()
        await _derive_from_feedback(staged.store, writer, report, dry_run)
        finish = time.perf_counter()
        report.seconds["derive"] = finish - derive
        if category_map is not None:
            rows = await staged.store.read("feedback/pain_point_categories")
            known = {row["category"] for row in rows}
            category_map.no_pain_point = {
                c: n for c, n in sorted(category_map.result.items()) if c not in known
            }
        if prune:
            await _prune(staged.store, writer, report, schema, dry_run)
        if report.changed and not dry_run:
            names = [s.name for s in sources]
            if category_map is not None:
                names.append(category_map.name)
            await _write_run(staged.store, report, sources, names, agent, started_at)
        else:
            report.run_id = None
            staged.discard()
    if report.changed and not dry_run:
        await store.after_bulk_load()
    report.seconds["finish"] = time.perf_counter() - finish
    return report


def _linked_as_written(sources: Sequence[Source]) -> set[Source]:
    """The feedback sources whose feedback can be linked to pain points as it is written:
    those after which no source may give pain points."""
    linked: set[Source] = set()
    for source in reversed(sources):
        if source.kind in PAIN_POINT_KINDS:
            break
        if source.kind == "feedback":
            linked.add(source)
    return linked


@asynccontextmanager
async def _unit_of_work(store: GraphStore, dry_run: bool) -> AsyncIterator[Staged]:
    """The store's atomic unit of work; a dry run reads the graph itself and writes nothing."""
    if dry_run:
        yield Staged(store)
        return
    async with store.atomic() as staged:
        yield staged


async def _derive_from_feedback(
    target: QueryRunner, writer: _Writer, report: LoadReport, dry_run: bool
) -> None:
    """Link the loaded feedback to pain points, and recompute the measurements of the
    touchpoints it is about and of the channels it was given on (docs/formats.md)."""
    if dry_run:
        return
    for source, ids in writer.feedback.items():
        if source not in writer.linking:
            await writer.link_feedback(source, ids)
    await writer.lane.wait()
    for source in sorted(writer.feedback_touchpoints.keys() | writer.feedback_channels.keys()):
        touchpoints = sorted(writer.feedback_touchpoints[source])
        channels = set(writer.feedback_channels[source])
        for chunk in chunks(touchpoints):
            rows = await target.read("feedback/channels", {"touchpoints": chunk})
            channels |= {row["channel"] for row in rows}
        for label, ids in (("Touchpoint", touchpoints), ("Channel", sorted(channels))):
            measured = await measure(target, label, ids, source=source, load_run=writer.run_id)
            _count_measurements(report, writer, label, measured)


def _count_measurements(
    report: LoadReport, writer: _Writer, label: str, measured: Measured
) -> None:
    """Count what measuring did, and keep its measurements from --prune."""
    measures = report.nodes["Measurement"]
    measures.created += measured.created
    measures.updated += measured.updated
    measures.unchanged += measured.unchanged
    report.relationships["OF"].created += measured.linked
    report.relationships["OF"].unchanged += len(measured.kept) - measured.linked
    for measurement, item in measured.kept:
        writer.derived_nodes["Measurement"].add(measurement)
        writer.derived_rels[("Measurement", "OF", label)].add((measurement, item))


async def _prune(
    target: QueryRunner, writer: _Writer, report: LoadReport, schema: Schema, dry_run: bool
) -> None:
    assert writer.kept is not None
    assert writer.kept_rels is not None
    for source in writer.kept:
        # what feedback derives is kept when derived again; a dry run derives nothing, so
        # it leaves all that alone for the sources holding feedback
        unknown = dry_run and source in writer.feedback
        # relationships first: deleting a node takes its relationships with it uncounted
        for triple in sorted(schema.endpoints()):
            if unknown and triple in _DERIVED_RELS:
                continue
            rows = await target.read(rel_query("owned", *triple), {"source": source})
            kept = writer.kept_rels[source][triple] | writer.derived_rels[triple]
            stale = [r for r in rows if (r["from"], r["to"]) not in kept]
            report.relationships[triple[1]].deleted += len(stale)
            if stale and not dry_run:
                await target.write_rows(rel_query("delete", *triple), stale)
        for label in sorted(schema.labels):
            if unknown and label == "Measurement":
                continue
            rows = await target.read(node_query("owned", label), {"source": source})
            kept_ids = writer.kept[source][label] | writer.derived_nodes[label]
            gone = sorted({row["id"] for row in rows} - kept_ids)
            report.nodes[label].deleted += len(gone)
            if not dry_run:
                for chunk in chunks(gone):
                    await target.write(node_query("delete", label), {"ids": chunk})


async def _write_run(
    target: QueryRunner,
    report: LoadReport,
    sources: Sequence[Source],
    names: list[str],
    agent: str,
    started_at: dt.datetime,
) -> None:
    totals = report.totals()
    props = {
        "kind": ",".join(sorted({s.kind for s in sources})),
        "agent": agent,
        "status": "committed",
        "sources": ",".join(names),
        "startedAt": timestamp(started_at),
        "finishedAt": timestamp(),
        "created": totals["created"],
        "updated": totals["updated"],
        "deleted": totals["deleted"],
    }
    await target.write_rows(
        node_query("upsert", "LoadRun"), [{"id": report.run_id, "source": None, "props": props}]
    )


async def load_demo_if_empty(store: GraphStore) -> LoadReport | None:
    """Load the demo company into an empty graph; None when the graph already has data."""
    (row,) = await store.read("graph/is_empty")
    if not row["empty"]:
        return None
    return await load(store, demo_sources(), agent="demo")


def _cycles(rels: Iterable[RelRecord]) -> Iterator[LoadProblem]:
    """One problem per cycle in relationships that must form a forest."""
    parents: dict[str, list[RelRecord]] = defaultdict(list)
    for rel in rels:
        parents[rel.source_id].append(rel)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(parents):
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                if state.get(node) == 2:
                    continue
                state[node] = 1
                path.append(node)
            edges = parents.get(node, [])
            if index < len(edges):
                stack.append((node, index + 1))
                nxt = edges[index].target_id
                if state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt) :], nxt]
                    yield LoadProblem(
                        edges[index].origin,
                        f"{edges[index].type} forms a cycle: {' -> '.join(cycle)}",
                        nxt,
                    )
                elif state.get(nxt) != 2:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
