"""CSV sources: org chart, systems, processes, customers and feedback (docs/formats.md).

Each kind of table is described by a `TableSpec`: which column fills which property of its
node and which column names the other end of a relationship. One reader serves them all.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from loaders.records import Batch, LoadProblem, NodeRecord, Origin, RelRecord
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
    finish: Callable[[Batch, list[NodeRecord]], None] | None = None
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


def _process_parents(batch: Batch, nodes: list[NodeRecord]) -> None:
    """Give each process without a `parent` the process whose code is its code's parent."""
    by_code = {n.props["code"]: n for n in nodes if "code" in n.props}
    has_parent = {r.source_id for r in batch.rels if r.type == "PART_OF"}
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
            batch.problems.append(
                LoadProblem(
                    node.origin.at("code"), f"no process has the parent code {parent_code}", code
                )
            )
            continue
        batch.rels.append(
            RelRecord("PART_OF", "Process", node.id, "Process", parent.id, node.origin.at("code"))
        )


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


def _csv(path: Path, batch: Batch) -> Iterator[tuple[int, dict[str, str]] | list[str]]:
    """The header (a list), then (line, row) pairs; unreadable files are reported in `batch`."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, restkey=_EXTRA)
            yield list(reader.fieldnames or [])
            line = reader.line_num
            for row in reader:
                yield line + 1, row
                line = reader.line_num
    except UnicodeDecodeError as exc:
        batch.problems.append(
            LoadProblem(Origin(str(path), 1), f"not UTF-8 text: byte {exc.start} cannot be decoded")
        )
    except csv.Error as exc:
        batch.problems.append(LoadProblem(Origin(str(path), 1), f"not a readable CSV file: {exc}"))


_EXTRA = "\0extra"


def read_table(path: Path, spec: TableSpec, schema: Schema) -> Batch:
    """Nodes and relationships of one CSV file, with every problem found in it."""
    batch = Batch()
    name = str(path)
    node_type = schema.node_types[spec.label]
    required_columns = spec.required_columns(schema)
    nodes: list[NodeRecord] = []
    for item in _csv(path, batch):
        if isinstance(item, list):
            if not item:
                batch.problems.append(
                    LoadProblem(Origin(name, 1), "the file is empty; expected a header row")
                )
                return batch
            _check_header(name, item, spec, required_columns, batch)
            if batch.problems:
                return batch
            continue
        line, row = item
        origin = Origin(name, line)
        if row.get(_EXTRA):
            batch.problems.append(LoadProblem(origin, "more cells than columns in the header"))
            continue
        props: dict[str, object] = {}
        for column, prop in spec.properties.items():
            raw = row.get(column)
            if raw is None or raw.strip() == "":
                if prop in node_type.required:
                    batch.problems.append(LoadProblem(origin.at(column), "a value is required"))
                continue
            try:
                props[prop] = coerce(raw, node_type.properties[prop])
            except BadValue as exc:
                batch.problems.append(LoadProblem(origin.at(column), str(exc), raw))
        node_id = props.get("id")
        if not isinstance(node_id, str):
            continue
        nodes.append(NodeRecord(spec.label, node_id, props, origin))
        for column, link in spec.links.items():
            ids = _ids(row.get(column) or "", link.many)
            if not ids and column in required_columns:
                batch.problems.append(LoadProblem(origin.at(column), "a value is required"))
            for other in ids:
                ends = (
                    (link.other, other, spec.label, node_id)
                    if link.incoming
                    else (spec.label, node_id, link.other, other)
                )
                batch.rels.append(RelRecord(link.type, *ends, origin.at(column)))
    batch.nodes.extend(nodes)
    if spec.finish is not None and not batch.problems:
        spec.finish(batch, nodes)
    return batch


def _ids(cell: str, many: bool) -> list[str]:
    if many:
        return [part.strip() for part in cell.split(";") if part.strip()]
    return [cell.strip()] if cell.strip() else []


def _check_header(
    name: str, header: list[str], spec: TableSpec, required: set[str], batch: Batch
) -> None:
    known = set(spec.properties) | set(spec.links)
    if unknown := [c for c in header if c not in known]:
        batch.problems.append(
            LoadProblem(
                Origin(name, 1),
                f"unknown column(s) {', '.join(unknown)}; the {spec.kind} columns are "
                f"{', '.join(sorted(known))}",
            )
        )
    if missing := sorted(required - set(header)):
        batch.problems.append(
            LoadProblem(Origin(name, 1), f"missing required column(s) {', '.join(missing)}")
        )
