"""The ontology read into a plain, typed schema model.

`cx.ttl` names the classes (node labels), object properties (relationship types) and
datatype properties (property keys); `shapes.ttl` says which class carries which property,
which values are allowed and which classes a relationship may point to. `load_schema()`
reads both once and returns a `Schema` that the rest of cxgraph derives everything from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from rdflib import OWL, RDF, RDFS, SH, XSD, Graph, Namespace, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.term import Node

CX = Namespace("https://cxgraph.org/ontology#")
ONTOLOGY_DIR = Path(__file__).resolve().parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "cx.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

Datatype = Literal["string", "integer", "decimal", "boolean", "date", "dateTime"]

_DATATYPES: dict[URIRef, Datatype] = {
    XSD.string: "string",
    XSD.integer: "integer",
    XSD.decimal: "decimal",
    XSD.boolean: "boolean",
    XSD.date: "date",
    XSD.dateTime: "dateTime",
}


class OntologyError(Exception):
    """The ontology files contradict the conventions cxgraph relies on."""


@dataclass(frozen=True)
class PropertySpec:
    """One property key as carried by one label."""

    name: str
    datatype: Datatype
    title: str
    comment: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Endpoint:
    """Relationships of one type leaving nodes of `source` towards one of `targets`."""

    source: str
    targets: tuple[str, ...]
    min_count: int = 0
    max_count: int | None = None


@dataclass(frozen=True)
class Incoming:
    """A node of some label must (or may only once) be the target of a relationship."""

    type: str
    source: str
    min_count: int = 0
    max_count: int | None = None


@dataclass(frozen=True)
class NodeType:
    """A class of the ontology, i.e. a node label."""

    label: str
    title: str
    comment: str
    properties: Mapping[str, PropertySpec]
    incoming: tuple[Incoming, ...] = ()
    exactly_one: tuple[tuple[str, ...], ...] = ()
    """Groups of relationship types leaving this label of which a node has exactly one
    (`sh:xone` of the shape): a Feedback is ABOUT a touchpoint or VIA a channel."""
    bookkeeping: bool = False
    """True for nodes the store keeps for itself while it writes (`cx:bookkeeping`)."""

    @cached_property
    def required(self) -> tuple[str, ...]:
        """Names of the required properties, in shape order."""
        return tuple(p.name for p in self.properties.values() if p.required)


@dataclass(frozen=True)
class RelationshipType:
    """An object property of the ontology, i.e. a relationship type."""

    type: str
    title: str
    comment: str
    endpoints: tuple[Endpoint, ...]

    def connects(self, source: str, target: str) -> bool:
        """True when a relationship of this type may go from `source` to `target`."""
        return any(e.source == source and target in e.targets for e in self.endpoints)


@dataclass(frozen=True)
class Schema:
    """Labels, relationship types and properties of the graph, as the ontology defines them."""

    node_types: Mapping[str, NodeType]
    relationship_types: Mapping[str, RelationshipType]
    provenance_properties: Mapping[str, PropertySpec] = field(default_factory=dict)

    @cached_property
    def labels(self) -> frozenset[str]:
        """Every node label."""
        return frozenset(self.node_types)

    @cached_property
    def data_labels(self) -> frozenset[str]:
        """The labels of data about customers and the organisation: every label but the
        store's bookkeeping (`NodeType.bookkeeping`), which the API and exports leave out."""
        return frozenset(label for label, nt in self.node_types.items() if not nt.bookkeeping)

    @cached_property
    def types(self) -> frozenset[str]:
        """Every relationship type."""
        return frozenset(self.relationship_types)

    @cached_property
    def property_keys(self) -> frozenset[str]:
        """Every property key that a node or relationship may carry."""
        keys = {name for nt in self.node_types.values() for name in nt.properties}
        return frozenset(keys | set(self.provenance_properties))

    def endpoints(self) -> Iterator[tuple[str, str, str]]:
        """Every allowed (source label, relationship type, target label) triple."""
        for rel in self.relationship_types.values():
            for ep in rel.endpoints:
                for target in ep.targets:
                    yield ep.source, rel.type, target


def _local(term: Node) -> str:
    text = str(term)
    if not text.startswith(str(CX)):
        raise OntologyError(f"{text} is not in the cxgraph namespace {CX}")
    return text[len(str(CX)) :]


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str:
    value = graph.value(subject, predicate)
    if value is None:
        raise OntologyError(f"{subject} has no {predicate}")
    return str(value)


def _number(graph: Graph, subject: Node, predicate: URIRef) -> float | None:
    value = graph.value(subject, predicate)
    return None if value is None else float(value)  # type: ignore[arg-type]


def _count(graph: Graph, subject: Node, predicate: URIRef) -> int | None:
    value = graph.value(subject, predicate)
    return None if value is None else int(value)  # type: ignore[call-overload]


def _targets(graph: Graph, shape: Node) -> tuple[str, ...]:
    direct = graph.value(shape, SH["class"])
    if direct is not None:
        return (_local(direct),)
    alternatives = graph.value(shape, SH["or"])
    if alternatives is None:
        raise OntologyError(f"relationship shape {shape} names no sh:class")
    return tuple(
        _local(_target)
        for alt in Collection(graph, alternatives)
        if (_target := graph.value(alt, SH["class"])) is not None
    )


def _property_spec(graph: Graph, shape: Node, path: URIRef) -> PropertySpec:
    datatype = graph.value(shape, SH.datatype)
    if datatype not in _DATATYPES:
        raise OntologyError(f"{path}: unsupported or missing sh:datatype {datatype}")
    declared = graph.value(path, RDFS.range)
    if declared != datatype:
        raise OntologyError(f"{path}: shape datatype {datatype} differs from rdfs:range {declared}")
    allowed_list = graph.value(shape, SH["in"])
    pattern = graph.value(shape, SH.pattern)
    return PropertySpec(
        name=_local(path),
        datatype=_DATATYPES[datatype],  # type: ignore[index]
        title=_text(graph, path, RDFS.label),
        comment=_text(graph, path, RDFS.comment),
        required=(_count(graph, shape, SH.minCount) or 0) > 0,
        allowed=None
        if allowed_list is None
        else tuple(str(v) for v in Collection(graph, allowed_list)),
        minimum=_number(graph, shape, SH.minInclusive),
        maximum=_number(graph, shape, SH.maxInclusive),
        pattern=None if pattern is None else str(pattern),
    )


def _exactly_one(graph: Graph, node_shape: Node, label: str) -> tuple[tuple[str, ...], ...]:
    """The `sh:xone` groups of a node shape; each alternative must be a shape with one
    property shape asking for at least one relationship of a type."""
    groups = []
    for alternatives in graph.objects(node_shape, SH.xone):
        group = []
        for alternative in Collection(graph, alternatives):
            prop_shapes = list(graph.objects(alternative, SH.property))
            path = graph.value(prop_shapes[0], SH.path) if len(prop_shapes) == 1 else None
            if not isinstance(path, URIRef) or (path, RDF.type, OWL.ObjectProperty) not in graph:
                raise OntologyError(
                    f"sh:xone of {label}: each alternative must have one sh:property on a "
                    "relationship type"
                )
            if (_count(graph, prop_shapes[0], SH.minCount) or 0) < 1:
                raise OntologyError(f"sh:xone of {label}: {path} needs sh:minCount 1")
            group.append(_local(path))
        groups.append(tuple(group))
    return tuple(groups)


def read_schema(graph: Graph) -> Schema:
    """Build the schema model from a graph holding the ontology and its shapes."""
    datatype_props = set(graph.subjects(RDF.type, OWL.DatatypeProperty))
    object_props = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    node_types: dict[str, NodeType] = {}
    endpoints: dict[str, list[Endpoint]] = {_local(p): [] for p in object_props}

    for node_shape in graph.subjects(RDF.type, SH.NodeShape):
        cls = graph.value(node_shape, SH.targetClass)
        if cls is None or (cls, RDF.type, OWL.Class) not in graph:
            raise OntologyError(f"shape {node_shape} targets no declared owl:Class")
        label = _local(cls)
        properties: dict[str, PropertySpec] = {}
        incoming: list[Incoming] = []
        for prop_shape in graph.objects(node_shape, SH.property):
            path = graph.value(prop_shape, SH.path)
            min_count = _count(graph, prop_shape, SH.minCount) or 0
            max_count = _count(graph, prop_shape, SH.maxCount)
            if isinstance(path, URIRef) and path in datatype_props:
                properties[_local(path)] = _property_spec(graph, prop_shape, path)
            elif isinstance(path, URIRef) and path in object_props:
                endpoints[_local(path)].append(
                    Endpoint(label, _targets(graph, prop_shape), min_count, max_count)
                )
            elif (
                path is not None and (inverse := graph.value(path, SH.inversePath)) in object_props
            ):
                (source,) = _targets(graph, prop_shape)
                incoming.append(Incoming(_local(inverse), source, min_count, max_count))
            else:
                raise OntologyError(f"shape of {label}: path {path} is not a declared property")
        node_types[label] = NodeType(
            label=label,
            title=_text(graph, cls, RDFS.label),
            comment=_text(graph, cls, RDFS.comment),
            properties=properties,
            incoming=tuple(incoming),
            exactly_one=_exactly_one(graph, node_shape, label),
            bookkeeping=(cls, CX.bookkeeping, RdfLiteral(True)) in graph,
        )

    undeclared = {_local(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    if missing := undeclared - set(node_types):
        raise OntologyError(f"classes without a shape: {sorted(missing)}")

    for label, node_type in node_types.items():
        for rel_type in {t for group in node_type.exactly_one for t in group}:
            if not any(e.source == label for e in endpoints[rel_type]):
                raise OntologyError(f"sh:xone of {label}: no sh:property allows {rel_type}")

    relationship_types = {}
    for prop in object_props:
        rel_type = _local(prop)
        if not endpoints[rel_type]:
            raise OntologyError(f"relationship type {rel_type} is used by no shape")
        relationship_types[rel_type] = RelationshipType(
            type=rel_type,
            title=_text(graph, prop, RDFS.label),
            comment=_text(graph, prop, RDFS.comment),
            endpoints=tuple(sorted(endpoints[rel_type], key=lambda e: e.source)),
        )

    provenance = {
        _local(p): PropertySpec(
            name=_local(p),
            datatype=_DATATYPES[graph.value(p, RDFS.range)],  # type: ignore[index]
            title=_text(graph, p, RDFS.label),
            comment=_text(graph, p, RDFS.comment),
        )
        for p in datatype_props
        if (p, CX.onEveryNode, RdfLiteral(True)) in graph
    }
    return Schema(
        node_types=dict(sorted(node_types.items())),
        relationship_types=dict(sorted(relationship_types.items())),
        provenance_properties=dict(sorted(provenance.items())),
    )


def ontology_graph() -> Graph:
    """A fresh rdflib graph holding the ontology and its shapes."""
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    graph.parse(SHAPES_FILE, format="turtle")
    return graph


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    """The schema model of the shipped ontology, parsed once per process."""
    return read_schema(ontology_graph())
