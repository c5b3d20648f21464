"""CSV sources: org chart, systems, processes, customers and feedback (docs/formats.md).

Each kind of table is described by a `TableSpec`: which column fills which property of its
node and which column names the other end of a relationship. One reader serves them all.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from loaders.records import Item, LoadProblem, NodeRecord, Origin, RelRecord
from loaders.values import BadValue, coerce
from ontology.model import Schema


@dataclass(frozen=True)
class Link:
    """A column holding ids of nodes at the other end of a relationship."""

    type: str
    other: str
    """Label of the node at the other end."""
    incoming: bool = False
    """True when the other node is the source (`owner` → `Team-OWNS->this`)."""
    many: bool = False
    """True when the cell may hold several `;`-separated ids."""


@dataclass(frozen=True)
class TableSpec:
    """How the columns of one kind of table map to the ontology."""

    kind: str
    label: str
    properties: Mapping[str, str]
    links: Mapping[str, Link] = field(default_factory=dict)
    finish: Callable[[list[NodeRecord], list[RelRecord]], Iterator[Item]] | None = None
    """Derives relationships that need the whole table (e.g. process parents from codes)."""

    def required_columns(self, schema: Schema) -> set[str]:
        """Columns that must be present: required properties and required relationships."""
        node_type = schema.node_types[self.label]
        required = {col for col, prop in self.properties.items() if prop in node_type.required}
        for col, link in self.links.items():
            if not link.incoming:
                rel = schema.relationship_types[link.type]
                if any(e.source == self.label and e.min_count > 0 for e in rel.endpoints):
                    required.add(col)
        return required


def _process_parents(nodes: list[NodeRecord], rels: list[RelRecord]) -> Iterator[Item]:
    """For each process without a `parent`: the process whose code is its code's parent."""
    by_code = {n.props["code"]: n for n in nodes if "code" in n.props}
    has_parent = {r.source_id for r in rels if r.type == "PART_OF"}
    for node in nodes:
        code = node.props.get("code")
        if code is None or node.id in has_parent:
            continue
        parts = code.split(".")
        if len(parts) == 1 or (len(parts) == 2 and parts[1] == "0"):
            continue
        parent_code = f"{parts[0]}.0" if len(parts) == 2 else ".".join(parts[:-1])
        parent = by_code.get(parent_code)
        if parent is None:
            yield LoadProblem(
                node.origin.at("code"), f"no process has the parent code {parent_code}", code
            )
            continue
        yield RelRecord("PART_OF", "Process", node.id, "Process", parent.id, node.origin.at("code"))


TEAMS = TableSpec(
    "teams",
    "Team",
    {
        "id": "id",
        "name": "name",
        "kind": "kind",
        "description": "description",
        "verified_at": "verifiedAt",
    },
    {"parent": Link("PART_OF", "Team")},
)
PEOPLE = TableSpec(
    "people",
    "Person",
    {"id": "id", "name": "name", "title": "title", "email": "email"},
    {
        "unit": Link("MEMBER_OF", "Team"),
        "manager": Link("REPORTS_TO", "Person"),
        "leads": Link("LEADS", "Team", many=True),
    },
)
SYSTEMS = TableSpec(
    "systems",
    "System",
    {
        "id": "id",
        "name": "name",
        "kind": "kind",
        "criticality": "criticality",
        "description": "description",
        "verified_at": "verifiedAt",
    },
    {
        "owner": Link("OWNS", "Team", incoming=True),
        "depends_on": Link("DEPENDS_ON", "System", many=True),
    },
)
PROCESSES = TableSpec(
    "processes",
    "Process",
    {
        "id": "id",
        "code": "code",
        "name": "name",
        "layer": "layer",
        "description": "description",
        "verified_at": "verifiedAt",
    },
    {
        "parent": Link("PART_OF", "Process"),
        "owner": Link("OWNS", "Team", incoming=True),
        "performers": Link("PERFORMS", "Team", incoming=True, many=True),
        "systems": Link("USES", "System", many=True),
        "hands_off_to": Link("HANDS_OFF_TO", "Process", many=True),
        "touchpoints": Link("SUPPORTS", "Touchpoint", many=True),
    },
    finish=_process_parents,
)
CUSTOMERS = TableSpec(
    "customers",
    "Customer",
    {"id": "id", "name": "name", "email": "email", "since": "since"},
    {
        "segment": Link("IN_SEGMENT", "Segment"),
        "personas": Link("HAS_PERSONA", "Persona", many=True),
    },
)
FEEDBACK = TableSpec(
    "feedback",
    "Feedback",
    {
        "id": "id",
        "date": "date",
        "kind": "kind",
        "metric": "metric",
        "score": "score",
        "category": "category",
        "text": "text",
    },
    {"customer": Link("GIVEN_BY", "Customer"), "touchpoint": Link("ABOUT", "Touchpoint")},
)

TABLES: dict[str, TableSpec] = {
    spec.kind: spec for spec in (TEAMS, PEOPLE, SYSTEMS, PROCESSES, CUSTOMERS, FEEDBACK)
}


Row = dict[str, str]
_EXTRA = "\0extra"


def csv_rows(path: Path) -> Iterator[list[str] | tuple[int, Row] | LoadProblem]:
    """The header (a list), then (line, row) pairs, streamed; or a problem if unreadable."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            if "\0" in sample:
                yield LoadProblem(
                    Origin(str(path), 1),
                    "this is a binary file (it holds NUL bytes), not a CSV text file",
                )
                return
            reader = csv.DictReader(handle, restkey=_EXTRA)
            header = list(reader.fieldnames or [])
            if len(header) == 1 and (delimiter := _other_delimiter(sample)) is not None:
                yield LoadProblem(
                    Origin(str(path), 1),
                    f"the header has one column but the file looks {delimiter!r}-separated; "
                    "cxgraph reads comma-separated files",
                    header[0],
                )
                return
            yield header
            line = reader.line_num
            for row in reader:
                yield line + 1, row
                line = reader.line_num
    except UnicodeDecodeError as exc:
        yield LoadProblem(
            Origin(str(path), _line_of_byte(path, exc.start)),
            f"not UTF-8 text: byte {exc.start} cannot be decoded; save the file as UTF-8",
        )
    except csv.Error as exc:
        yield LoadProblem(Origin(str(path), "?"), f"not a readable CSV file: {exc}")


def _other_delimiter(sample: str) -> str | None:
    first = sample.splitlines()[0] if sample else ""
    counts = {d: first.count(d) for d in (";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 and "," not in first else None


def _line_of_byte(path: Path, offset: int) -> int:
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n") + 1


def read_table(path: Path, spec: TableSpec, schema: Schema) -> Iterator[Item]:
    """Nodes, relationships and problems of one CSV file, streamed row by row (tables with
    a `finish` step are buffered, since it needs the whole table)."""
    items = _read_rows(str(path), csv_rows(path), spec, schema)
    if spec.finish is None:
        yield from items
        return
    nodes: list[NodeRecord] = []
    rels: list[RelRecord] = []
    failed = False
    for item in items:
        if isinstance(item, NodeRecord):
            nodes.append(item)
        elif isinstance(item, RelRecord):
            rels.append(item)
        else:
            failed = True
        yield item
    if not failed:
        yield from spec.finish(nodes, rels)


def _read_rows(
    name: str,
    rows: Iterable[list[str] | tuple[int, Row] | LoadProblem],
    spec: TableSpec,
    schema: Schema,
) -> Iterator[Item]:
    node_type = schema.node_types[spec.label]
    required_columns = spec.required_columns(schema)
    for item in rows:
        if isinstance(item, LoadProblem):
            yield item
            return
        if isinstance(item, list):
            if not item:
                yield LoadProblem(Origin(name, 1), "the file is empty; expected a header row")
                return
            problems = list(_check_header(name, item, spec, required_columns))
            yield from problems
            if problems:
                return
            continue
        line, row = item
        origin = Origin(name, line)
        if row.get(_EXTRA):
            yield LoadProblem(origin, "more cells than columns in the header")
            continue
        props: dict[str, object] = {}
        for column, prop in spec.properties.items():
            raw = row.get(column)
            if raw is None or raw.strip() == "":
                if prop in node_type.required:
                    yield LoadProblem(origin.at(column), "a value is required")
                continue
            try:
                props[prop] = coerce(raw, node_type.properties[prop])
            except BadValue as exc:
                yield LoadProblem(origin.at(column), str(exc), raw)
        node_id = props.get("id")
        if not isinstance(node_id, str):
            continue
        yield NodeRecord(spec.label, node_id, props, origin)
        for column, link in spec.links.items():
            ids = _ids(row.get(column) or "", link.many)
            if not ids and column in required_columns:
                yield LoadProblem(origin.at(column), "a value is required")
            for other in ids:
                ends = (
                    (link.other, other, spec.label, node_id)
                    if link.incoming
                    else (spec.label, node_id, link.other, other)
                )
                yield RelRecord(link.type, *ends, origin.at(column))


def _ids(cell: str, many: bool) -> list[str]:
    if many:
        return [part.strip() for part in cell.split(";") if part.strip()]
    return [cell.strip()] if cell.strip() else []


def _check_header(
    name: str, header: list[str], spec: TableSpec, required: set[str]
) -> Iterator[LoadProblem]:
    known = set(spec.properties) | set(spec.links)
    if unknown := [c for c in header if c not in known]:
        yield LoadProblem(
            Origin(name, 1),
            f"unknown column(s) {', '.join(unknown)}; the {spec.kind} columns are "
            f"{', '.join(sorted(known))}",
        )
    if missing := sorted(required - set(header)):
        yield LoadProblem(Origin(name, 1), f"missing required column(s) {', '.join(missing)}")
