"""Journey-map sources (YAML or JSON): personas, channels, needs, journeys and opportunities.

See docs/formats.md. Every mapping keeps the line it started on, so problems point at the
line of the item (and the field) that is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from loaders.records import Batch, Item, LoadProblem, NodeRecord, Origin, RelRecord
from loaders.values import BadValue, coerce
from ontology.model import Schema


class _Mapping(dict[str, Any]):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings remember their first line (1-based)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# Fields of each item kind: field name -> property key. Other fields are handled in code.
_FIELDS: dict[str, dict[str, str]] = {
    "Segment": {"id": "id", "name": "name", "description": "description"},
    "Persona": {"id": "id", "name": "name", "description": "description"},
    "Channel": {"id": "id", "name": "name", "kind": "kind"},
    "CustomerNeed": {"id": "id", "name": "name", "description": "description"},
    "Journey": {
        "id": "id",
        "name": "name",
        "description": "description",
        "verified_at": "verifiedAt",
    },
    "Stage": {"id": "id", "name": "name", "description": "description"},
    "Touchpoint": {
        "id": "id",
        "name": "name",
        "description": "description",
        "action": "action",
        "evidence": "evidence",
        "moment_of_truth": "momentOfTruth",
        "verified_at": "verifiedAt",
    },
    "PainPoint": {
        "id": "id",
        "name": "name",
        "description": "description",
        "severity": "severity",
        "category": "category",
    },
    "Opportunity": {
        "id": "id",
        "name": "name",
        "description": "description",
        "status": "status",
        "verified_at": "verifiedAt",
    },
    "Measurement": {
        "metric": "metric",
        "phase": "phase",
        "value": "value",
        "sample_size": "sampleSize",
        "date": "date",
    },
}
_LINKS: dict[str, set[str]] = {
    "Journey": {"persona", "owner", "metrics", "stages"},
    "Stage": {"metrics", "touchpoints"},
    "Touchpoint": {
        "channel",
        "needs",
        "owner",
        "processes",
        "systems",
        "next",
        "metrics",
        "pain_points",
    },
    "Opportunity": {"owner", "addresses"},
}
_SECTIONS = {
    "segments": "Segment",
    "personas": "Persona",
    "channels": "Channel",
    "needs": "CustomerNeed",
    "journeys": "Journey",
    "opportunities": "Opportunity",
}


class _Reader:
    def __init__(self, path: Path, schema: Schema) -> None:
        self.file = str(path)
        self.schema = schema
        self.batch = Batch()

    def origin(self, item: Any, field: str | None = None) -> Origin:
        return Origin(self.file, getattr(item, "line", "?"), field)

    def problem(self, item: Any, field: str | None, message: str, value: Any = None) -> None:
        self.batch.problems.append(LoadProblem(self.origin(item, field), message, value))

    def node(self, label: str, item: Any, node_id: str | None = None) -> str | None:
        """Read one item into a node; its id, or None when it is unusable."""
        if not isinstance(item, dict):
            self.problem(item, None, f"expected a mapping describing a {label}", item)
            return None
        fields = _FIELDS[label]
        allowed = set(fields) | _LINKS.get(label, set())
        for key in item:
            if key not in allowed:
                self.problem(
                    item, key, f"unknown field; a {label} has {', '.join(sorted(allowed))}"
                )
        node_type = self.schema.node_types[label]
        props: dict[str, Any] = {"id": node_id} if node_id else {}
        for key, prop in fields.items():
            if key not in item or item[key] is None:
                if prop in node_type.required and prop not in props:
                    self.problem(item, key, "a value is required")
                continue
            try:
                props[prop] = coerce(item[key], node_type.properties[prop])
            except BadValue as exc:
                self.problem(item, key, str(exc), item[key])
        if not isinstance(props.get("id"), str):
            return None
        self.batch.nodes.append(NodeRecord(label, props["id"], props, self.origin(item)))
        return str(props["id"])

    def ids(self, item: dict[str, Any], key: str) -> Iterator[str]:
        value = item.get(key)
        if value is None:
            return
        values = value if isinstance(value, list) else [value]
        for one in values:
            if isinstance(one, str) and one.strip():
                yield one.strip()
            else:
                self.problem(item, key, "expected an id or a list of ids", one)

    def link(
        self, item: dict[str, Any], key: str, rel: str, source: tuple[str, str], target: str
    ) -> None:
        """Relationships from node `source` (label, id) to the ids listed under `key`."""
        for other in self.ids(item, key):
            self.batch.rels.append(RelRecord(rel, *source, target, other, self.origin(item, key)))

    def owner(self, item: dict[str, Any], label: str, node_id: str) -> None:
        for team in self.ids(item, "owner"):
            self.batch.rels.append(
                RelRecord("OWNS", "Team", team, label, node_id, self.origin(item, "owner"))
            )

    def metrics(self, item: dict[str, Any], label: str, node_id: str) -> None:
        metrics = item.get("metrics") or []
        if not isinstance(metrics, list):
            self.problem(item, "metrics", "expected a list of metrics", metrics)
            return
        for metric in metrics:
            if not isinstance(metric, dict):
                self.problem(item, "metrics", "expected a mapping with metric, phase and value")
                continue
            measurement_id = f"m-{node_id}-{metric.get('metric')}-{metric.get('phase')}"
            if self.node("Measurement", metric, measurement_id) is not None:
                self.batch.rels.append(
                    RelRecord(
                        "OF", "Measurement", measurement_id, label, node_id, self.origin(metric)
                    )
                )

    def items(self, doc: dict[str, Any], section: str) -> list[Any]:
        value = doc.get(section) or []
        if not isinstance(value, list):
            self.problem(doc, section, "expected a list", value)
            return []
        return value

    def journey(self, item: Any) -> None:
        journey_id = self.node("Journey", item)
        if journey_id is None:
            return
        self.link(item, "persona", "FOR_PERSONA", ("Journey", journey_id), "Persona")
        self.owner(item, "Journey", journey_id)
        self.metrics(item, "Journey", journey_id)
        sequence: list[tuple[str, dict[str, Any]]] = []
        for position, stage in enumerate(self.items(item, "stages"), start=1):
            stage_id = self.node("Stage", stage)
            if stage_id is None:
                continue
            self.batch.nodes[-1].props["order"] = position
            self.batch.rels.append(
                RelRecord("HAS_STAGE", "Journey", journey_id, "Stage", stage_id, self.origin(stage))
            )
            self.metrics(stage, "Stage", stage_id)
            for tp_position, touchpoint in enumerate(self.items(stage, "touchpoints"), start=1):
                tp_id = self.touchpoint(touchpoint, tp_position)
                if tp_id is not None:
                    self.batch.rels.append(
                        RelRecord(
                            "HAS_TOUCHPOINT",
                            "Stage",
                            stage_id,
                            "Touchpoint",
                            tp_id,
                            self.origin(touchpoint),
                        )
                    )
                    sequence.append((tp_id, touchpoint))
        for (tp_id, touchpoint), following in zip(sequence, [*sequence[1:], None], strict=True):
            source = ("Touchpoint", tp_id)
            if "next" in touchpoint:
                self.link(touchpoint, "next", "NEXT", source, "Touchpoint")
            elif following is not None:
                self.batch.rels.append(
                    RelRecord("NEXT", *source, "Touchpoint", following[0], self.origin(touchpoint))
                )

    def touchpoint(self, item: Any, position: int) -> str | None:
        tp_id = self.node("Touchpoint", item)
        if tp_id is None:
            return None
        self.batch.nodes[-1].props["order"] = position
        source = ("Touchpoint", tp_id)
        if "channel" not in item:
            self.problem(item, "channel", "a value is required")
        self.link(item, "channel", "VIA", source, "Channel")
        self.link(item, "needs", "ADDRESSES", source, "CustomerNeed")
        self.owner(item, "Touchpoint", tp_id)
        for process in self.ids(item, "processes"):
            self.batch.rels.append(
                RelRecord("SUPPORTS", "Process", process, *source, self.origin(item, "processes"))
            )
        for system in self.ids(item, "systems"):
            self.batch.rels.append(
                RelRecord("SUPPORTS", "System", system, *source, self.origin(item, "systems"))
            )
        self.metrics(item, "Touchpoint", tp_id)
        for pain in self.items(item, "pain_points"):
            pain_id = self.node("PainPoint", pain)
            if pain_id is not None:
                self.batch.rels.append(
                    RelRecord("OCCURS_AT", "PainPoint", pain_id, *source, self.origin(pain))
                )
        return tp_id

    def read(self, path: Path) -> Batch:
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
        except UnicodeDecodeError as exc:
            self.problem(None, None, f"not UTF-8 text: byte {exc.start} cannot be decoded")
            return self.batch
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else "?"
            self.batch.problems.append(
                LoadProblem(Origin(self.file, line), f"not valid YAML: {exc}")
            )
            return self.batch
        if not isinstance(doc, dict):
            self.problem(None, None, "expected a mapping with sections " + ", ".join(_SECTIONS))
            return self.batch
        for key in doc:
            if key not in _SECTIONS:
                self.problem(doc, key, "unknown section; expected " + ", ".join(_SECTIONS))
        for section, label in _SECTIONS.items():
            for item in self.items(doc, section):
                if label == "Journey":
                    self.journey(item)
                elif (node_id := self.node(label, item)) is not None and label == "Opportunity":
                    self.owner(item, label, node_id)
                    self.link(item, "addresses", "ADDRESSES", (label, node_id), "PainPoint")
        return self.batch


def read_journey_map(path: Path, schema: Schema) -> Iterator[Item]:
    """Nodes, relationships and problems of one journey-map file (YAML or JSON).

    The document is parsed whole: journey maps are small next to tables."""
    batch = _Reader(path, schema).read(path)
    yield from batch.problems
    yield from batch.nodes
    yield from batch.rels
