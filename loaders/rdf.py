"""RDF sources and the RDF export (docs/formats.md, section "RDF").

`read_rdf` reads instance data in Turtle (`.ttl`), JSON-LD (`.jsonld`, `.json`) or
N-Triples (`.nt`) typed with the cxgraph ontology, or organisation charts written with the
W3C Organization Ontology (ORG), and yields the records of the load pipeline:

1. the file is parsed with rdflib (a syntax error is one problem, with its line);
2. the data is *mapped* onto a graph that uses cxgraph terms only: ORG classes and
   properties become Team, Person, MEMBER_OF, PART_OF, LEADS and REPORTS_TO; every node
   gets its `cx:id` (given, or derived from its IRI); terms the ontology does not know are
   problems;
3. the mapped graph is validated with pyshacl against `ontology/shapes.ttl`; each
   violation is a problem located at the focus node's IRI and the property path's name;
4. only when there is no problem at all are the nodes and relationships yielded, their
   values coerced with `ontology.values.coerce` like those of every other source.

RDF has no lines that mean anything to a reader of the data, so `Origin.line` of a problem
is the IRI of the node concerned (or `_:id` for a blank node), and `Origin.field` the local
name of the property; parse errors keep the line number the parser gives.

`export_rdf` writes the whole graph (`loaders.export.dump`) as Turtle or JSON-LD, sorted, so
that the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import quote, unquote

import pyshacl
from rdflib import RDF, RDFS, SH, XSD, BNode, Graph, Namespace, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.namespace import FOAF, ORG, SKOS, NamespaceManager
from rdflib.plugins.parsers.jsonld import to_rdf
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from loaders.export import dump
from loaders.records import Item, LoadProblem, NodeRecord, Origin, RelRecord
from ontology.model import CX, SHAPES_FILE, PropertySpec, Schema, load_schema
from ontology.values import BadValue, coerce
from queries.store import QueryRunner

FORMATS: dict[str, str] = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}
"""rdflib parser of each file suffix that `read_rdf` accepts."""

ExportFormat = Literal["turtle", "json-ld"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("turtle", "json-ld")

DATA = Namespace("https://cxgraph.org/data/")
"""Node IRIs of the export: `<DATA><Label>/<url-quoted id>`."""

# --- W3C ORG ------------------------------------------------------------------------------

_TEAM_CLASSES = frozenset({ORG.Organization, ORG.FormalOrganization, ORG.OrganizationalUnit})
_PERSON_CLASSES = frozenset({FOAF.Person})
_ORG_LINKS: dict[Node, tuple[str, ...]] = {
    ORG.memberOf: ("MEMBER_OF",),
    ORG.headOf: ("LEADS", "MEMBER_OF"),  # org:headOf is a sub-property of org:memberOf
    ORG.reportsTo: ("REPORTS_TO",),
    ORG.subOrganizationOf: ("PART_OF",),
    ORG.unitOf: ("PART_OF",),
}
"""ORG properties and the relationships they become, from subject to object."""
_ORG_INVERSE_LINKS: dict[Node, tuple[str, ...]] = {
    ORG.hasMember: ("MEMBER_OF",),
    ORG.hasSubOrganization: ("PART_OF",),
    ORG.hasUnit: ("PART_OF",),
}
"""ORG properties and the relationships they become, from object to subject."""
_AGENT_SUBJECTS = (ORG.memberOf, ORG.headOf, ORG.reportsTo)
_AGENT_OBJECTS = (ORG.reportsTo, ORG.hasMember)
_NAMES = (FOAF.name, SKOS.prefLabel, RDFS.label)
"""Where a name comes from when there is no `cx:name`, first found first."""

_SKIPPED = frozenset({CX.LoadRun, RDF.Statement, ORG.Membership})
"""Subjects that are not nodes: load runs (a load writes its own), reified statements
(relationship provenance of the export) and ORG memberships (read as MEMBER_OF)."""


def read_rdf(path: Path, schema: Schema) -> Iterator[Item]:
    """Nodes and relationships of one RDF file, or the problems that keep it from loading.

    The whole file is parsed, mapped and validated before the first record is yielded.
    """
    name = str(path)
    parsed = parse_rdf(path)
    if isinstance(parsed, LoadProblem):
        yield parsed
        return
    mapped = _Mapper(parsed, schema, name).run()
    problems = [*mapped.problems, *_shacl_problems(mapped, name)]
    if problems:
        yield from problems
        return
    yield from mapped.records(schema, name)


# --- parsing ------------------------------------------------------------------------------


def parse_rdf(path: Path) -> Graph | LoadProblem:
    """The triples of an RDF file (format by suffix, see FORMATS), or why it cannot be read."""
    name = str(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        return LoadProblem(
            Origin(name, 1),
            f"unknown RDF file suffix; use one of {', '.join(FORMATS)}",
            path.suffix,
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return LoadProblem(Origin(name, "?"), f"cannot read the file: {exc.strerror}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return LoadProblem(
            Origin(name, raw[: exc.start].count(b"\n") + 1),
            f"not UTF-8 text: byte {exc.start} cannot be decoded; save the file as UTF-8",
        )
    if "\0" in text:
        return LoadProblem(
            Origin(name, text[: text.index("\0")].count("\n") + 1),
            "not RDF text: the file holds NUL characters (a binary file?)",
        )
    if not text.strip():
        return LoadProblem(Origin(name, 1), "the file is empty; expected RDF triples")
    graph = Graph(bind_namespaces="none")
    base = path.resolve().as_uri()
    with _ill_typed_literals_unlogged():
        try:
            if fmt == "json-ld":
                document = json.loads(text)
                if (remote := _remote_context(document)) is not None:
                    return LoadProblem(
                        Origin(name, "?", "@context"),
                        "remote JSON-LD contexts are not fetched: a load must not depend on "
                        "the network; put the context in the file",
                        remote,
                    )
                # rdflib's json-ld plugin goes through the deprecated ConjunctiveGraph; its
                # `to_rdf` into a plain graph does not (named graphs are merged).
                to_rdf(document, graph, base=base)
            else:
                graph.parse(data=text, format=fmt, publicID=base)
        except json.JSONDecodeError as exc:
            return LoadProblem(Origin(name, exc.lineno), f"not valid JSON-LD: {exc.msg}")
        except BadSyntax as exc:
            return LoadProblem(Origin(name, exc.lines + 1), f"not valid Turtle: {exc._why}")
        except Exception as exc:  # any other parser error: the file is unusable
            line: int | str = _nt_error_line(text) if fmt == "nt" else "?"
            return LoadProblem(Origin(name, line), f"not valid {_FORMAT_NAMES[fmt]}: {exc}")
    if not len(graph):
        return LoadProblem(Origin(name, 1), "the file holds no triples")
    return graph


def _remote_context(document: Any) -> str | None:
    """The first context of a JSON-LD document given by reference (a URL to fetch), if any."""
    if isinstance(document, list):
        return next((r for item in document if (r := _remote_context(item)) is not None), None)
    if not isinstance(document, dict):
        return None
    for key, value in document.items():
        if key in ("@context", "@import"):
            for context in value if isinstance(value, list) else [value]:
                if isinstance(context, str):
                    return context
        if (remote := _remote_context(value)) is not None:
            return remote
    return None


_FORMAT_NAMES = {"turtle": "Turtle", "json-ld": "JSON-LD", "nt": "N-Triples"}


def _nt_error_line(text: str) -> int | str:
    """The first line of an N-Triples document that does not parse on its own (rdflib's
    N-Triples parser does not say which line it stopped at)."""
    with _ill_typed_literals_unlogged():
        for number, line in enumerate(text.splitlines(), start=1):
            try:
                Graph(bind_namespaces="none").parse(data=line, format="nt")
            except Exception:
                return number
    return "?"


class _IllTypedLiteralFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


@contextmanager
def _ill_typed_literals_unlogged() -> Iterator[None]:
    """rdflib logs a warning with a traceback for each ill-typed literal (`"x"^^xsd:integer`)
    it parses; the SHACL datatype check reports them as problems, so the log is dropped."""
    logger = logging.getLogger("rdflib.term")
    quiet = _IllTypedLiteralFilter()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


# --- mapping onto cxgraph terms -------------------------------------------------------------


def _show(node: Node) -> str:
    """How a node is named in a problem: its IRI, `_:id` for a blank node, or a literal."""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _local(iri: Node) -> str:
    text = str(iri)
    return text[max(text.rfind("/"), text.rfind("#")) + 1 :]


def _cx_local(iri: Node) -> str | None:
    text = str(iri)
    return text[len(str(CX)) :] if isinstance(iri, URIRef) and text.startswith(str(CX)) else None


def _curie(iri: Node) -> str:
    for prefix, namespace in (("cx", CX), ("org", ORG), ("foaf", FOAF), ("xsd", XSD)):
        if str(iri).startswith(str(namespace)):
            return f"{prefix}:{str(iri)[len(str(namespace)) :]}"
    return f"<{iri}>"


@dataclass
class _Mapped:
    """The source data in cxgraph terms: what SHACL validates and records are made of."""

    graph: Graph
    labels: dict[Node, str]
    ids: dict[Node, str]
    references: set[Node]
    """Nodes given by type (and id) only, with no data property: they refer to a node given
    elsewhere in the load or already in the graph, and are not written themselves."""
    problems: list[LoadProblem] = field(default_factory=list)

    def records(self, schema: Schema, name: str) -> Iterator[Item]:
        """Nodes (in IRI order), then relationships, of the mapped graph."""
        subjects = sorted(self.labels, key=_show)
        for subject in subjects:
            if subject in self.references:
                continue
            label = self.labels[subject]
            origin = Origin(name, _show(subject))
            specs = schema.node_types[label].properties
            props: dict[str, Any] = {}
            bad = False
            for predicate, value in sorted(self.graph.predicate_objects(subject)):
                key = _cx_local(predicate)
                if key is None or key not in specs:
                    continue
                try:
                    props[key] = coerce(str(value), specs[key])
                except BadValue as exc:
                    bad = True
                    yield LoadProblem(origin.at(key), str(exc), str(value))
            if not bad:
                yield NodeRecord(label, self.ids[subject], props, origin)
        for subject in subjects:
            label = self.labels[subject]
            for predicate, target in sorted(self.graph.predicate_objects(subject)):
                rel_type = _cx_local(predicate)
                if rel_type is None or rel_type not in schema.relationship_types:
                    continue
                origin = Origin(name, _show(subject), rel_type)
                if target not in self.labels:
                    yield LoadProblem(origin, "the target has no cxgraph class", _show(target))
                    continue
                yield RelRecord(
                    rel_type,
                    label,
                    self.ids[subject],
                    self.labels[target],
                    self.ids[target],
                    origin,
                )


class _Mapper:
    """Reads the parsed source into a `_Mapped` graph (see the module docstring)."""

    def __init__(self, source: Graph, schema: Schema, name: str) -> None:
        self.source = source
        self.schema = schema
        self.name = name
        self.graph = Graph(bind_namespaces="none")
        self.problems: list[LoadProblem] = []
        self.skipped: set[Node] = set()
        self.troubled: set[Node] = set()
        self.relationships: dict[str, set[str]] = defaultdict(set)
        for source_label, rel_type, _target in schema.endpoints():
            self.relationships[source_label].add(rel_type)
        self.provenance = set(schema.provenance_properties)

    def problem(
        self, subject: Node, field_name: str | None, message: str, value: Any = None
    ) -> None:
        self.troubled.add(subject)
        origin = Origin(self.name, _show(subject), field_name)
        self.problems.append(LoadProblem(origin, message, value))

    def run(self) -> _Mapped:
        labels = self.labels()
        memberships = self.memberships()
        ids = {s: i for s in sorted(labels, key=_show) if (i := self.node_id(s)) is not None}
        labels = {s: label for s, label in labels.items() if s in ids}
        for subject, label in sorted(labels.items(), key=lambda item: _show(item[0])):
            self.graph.add((subject, RDF.type, CX[label]))
            self.properties(subject, label, labels)
            self.fallbacks(subject, label)
        for member, team, leads in memberships:
            self.link(member, "MEMBER_OF", team, labels, ORG.Membership)
            if leads:
                self.link(member, "LEADS", team, labels, ORG.Membership)
        self.unlabelled(labels)
        if not labels and not self.problems:
            self.problems.append(
                LoadProblem(
                    Origin(self.name, 1),
                    "no node: nothing is typed with a cxgraph class or a W3C ORG class "
                    "(org:Organization, org:OrganizationalUnit, foaf:Person)",
                )
            )
        data_keys = {CX[key] for key in self.schema.property_keys} - {CX.id}
        references = {
            s
            for s in labels
            if not any(p in data_keys for p in self.graph.predicates(s, None, unique=True))
        }
        return _Mapped(self.graph, labels, ids, references, self.problems)

    def labels(self) -> dict[Node, str]:
        """The label of every subject that is a node; a problem for an unknown class or a
        subject of two classes."""
        found: dict[Node, set[str]] = defaultdict(set)
        for subject, cls in sorted(self.source.subject_objects(RDF.type), key=str):
            if cls in _SKIPPED:
                self.skipped.add(subject)
            elif (local := _cx_local(cls)) is not None:
                if local in self.schema.data_labels:
                    found[subject].add(local)
                elif local in self.schema.labels:
                    self.problem(
                        subject, "type", "a class the graph store keeps for itself", _curie(cls)
                    )
                else:
                    self.problem(
                        subject, "type", "not a class of the cxgraph ontology", _curie(cls)
                    )
            elif cls in _TEAM_CLASSES:
                found[subject].add("Team")
            elif cls in _PERSON_CLASSES:
                found[subject].add("Person")
        agents = {s for p in _AGENT_SUBJECTS for s in self.source.subjects(p, None)}
        agents |= {o for p in _AGENT_OBJECTS for o in self.source.objects(None, p)}
        agents |= set(self.source.objects(None, ORG.member))
        agents |= set(self.source.subjects(ORG.hasMembership, None))
        for agent in agents - self.skipped:
            if not found.get(agent) and not isinstance(agent, RdfLiteral):
                found[agent].add("Person")  # an agent in an org chart with no class
        labels: dict[Node, str] = {}
        for subject, names in found.items():
            if subject in self.skipped:
                continue
            if len(names) > 1:
                self.problem(
                    subject,
                    "type",
                    f"typed as more than one cxgraph class: {', '.join(sorted(names))}",
                )
            else:
                labels[subject] = names.pop()
        return labels

    def memberships(self) -> list[tuple[Node, Node, bool]]:
        """(member, organisation, heads it) of every org:Membership."""
        found = []
        for membership in sorted(self.source.subjects(RDF.type, ORG.Membership), key=_show):
            members = set(self.source.objects(membership, ORG.member))
            members |= set(self.source.subjects(ORG.hasMembership, membership))
            teams = set(self.source.objects(membership, ORG.organization))
            if not members or not teams:
                missing = "member" if not members else "organization"
                self.problem(
                    membership,
                    missing,
                    "an org:Membership needs an org:member and an org:organization",
                )
            leads = any(
                role == ORG.Head or (role, ORG.roleProperty, ORG.headOf) in self.source
                for role in self.source.objects(membership, ORG.role)
            )
            found += [
                (m, t, leads) for m in sorted(members, key=_show) for t in sorted(teams, key=_show)
            ]
        return found

    def node_id(self, subject: Node) -> str | None:
        """The id of a node: its `cx:id`, or the last segment of its IRI (percent-decoded).

        A given `cx:id` goes to SHACL as it is (its datatype, pattern and count are checked
        there); a derived one as a plain string.
        """
        given = sorted(self.source.objects(subject, CX.id), key=_show)
        if given:
            for value in given:
                self.graph.add((subject, CX.id, value))
            return str(given[0])
        if isinstance(subject, URIRef) and (derived := unquote(_local(subject))):
            self.graph.add((subject, CX.id, RdfLiteral(derived)))
            return derived
        self.problem(
            subject,
            "id",
            "a node needs a cx:id when its IRI does not end in one"
            if isinstance(subject, URIRef)
            else "a blank node needs a cx:id",
        )
        return None

    def properties(self, subject: Node, label: str, labels: dict[Node, str]) -> None:
        """Copy the node's cxgraph properties and map its ORG relationships."""
        data = self.schema.node_types[label].properties
        for predicate, value in sorted(self.source.predicate_objects(subject)):
            local = _cx_local(predicate)
            if local is not None:
                if local == "id" or local in self.provenance:
                    continue  # the id is set already; a load writes its own provenance
                if local in data or local in self.relationships[label]:
                    self.graph.add((subject, predicate, value))
                elif local in self.schema.property_keys or local in self.schema.types:
                    known = sorted(set(data) | self.relationships[label])
                    self.problem(
                        subject,
                        local,
                        f"a {label} has no {local}; it has {', '.join(known)}",
                    )
                else:
                    self.problem(subject, local, "not a property of the cxgraph ontology")
            elif predicate in _ORG_LINKS:
                for rel_type in _ORG_LINKS[predicate]:
                    self.link(subject, rel_type, value, labels, predicate)
            elif predicate in _ORG_INVERSE_LINKS:
                for rel_type in _ORG_INVERSE_LINKS[predicate]:
                    self.link(value, rel_type, subject, labels, predicate)

    def link(
        self, subject: Node, rel_type: str, target: Node, labels: dict[Node, str], via: Node
    ) -> None:
        """Add a relationship mapped from an ORG term, if the subject's label has it."""
        label = labels.get(subject)
        if label is None:
            self.problem(
                subject,
                _curie(via),
                f"{_curie(via)} makes this node the start of a {rel_type}, but it has no "
                "class: type it with cx:<Class> or an ORG class",
            )
        elif rel_type not in self.relationships[label]:
            self.problem(
                subject, _curie(via), f"{_curie(via)} on a {label}: a {label} has no {rel_type}"
            )
        else:
            self.graph.add((subject, CX[rel_type], target))

    def fallbacks(self, subject: Node, label: str) -> None:
        """A name from foaf:name, skos:prefLabel or rdfs:label, and an e-mail from foaf:mbox,
        for a node that has no cx:name or cx:email."""
        data = self.schema.node_types[label].properties
        if "name" in data and (subject, CX.name, None) not in self.source:
            for predicate in _NAMES:
                names = [
                    v for v in self.source.objects(subject, predicate) if isinstance(v, RdfLiteral)
                ]
                if names:
                    plain = [
                        v for v in names if not v.language or v.language.lower().startswith("en")
                    ]
                    for value in sorted(plain or names, key=str):
                        self.graph.add((subject, CX.name, RdfLiteral(str(value))))
                    break
        if "email" in data and (subject, CX.email, None) not in self.source:
            for mbox in sorted(self.source.objects(subject, FOAF.mbox), key=str):
                address = str(mbox).removeprefix("mailto:")
                self.graph.add((subject, CX.email, RdfLiteral(address)))

    def unlabelled(self, labels: dict[Node, str]) -> None:
        """A problem for each subject that uses cxgraph terms but is no node."""
        for subject in sorted(set(self.source.subjects()), key=_show):
            if subject in labels or subject in self.skipped:
                continue
            used = sorted(
                {
                    p
                    for p in self.source.predicates(subject, None)
                    if _cx_local(p) is not None or p in _ORG_LINKS or p in _ORG_INVERSE_LINKS
                },
                key=str,
            )
            if used and subject not in self.troubled:
                self.problem(
                    subject,
                    _cx_local(used[0]) or _curie(used[0]),
                    "uses cxgraph or ORG properties but has no class: give it rdf:type "
                    "cx:<Class> (or an ORG class)",
                )


# --- SHACL -------------------------------------------------------------------------------


def _shacl_problems(mapped: _Mapped, name: str) -> Iterator[LoadProblem]:
    """Each violation of the shapes by the mapped graph, sorted by node and property.

    A reference (a node with no data property, see `_Mapped.references`) is not held to the
    shapes' minimum counts (nor to their `sh:xone`): its data is elsewhere. A value of the
    wrong datatype gives one problem, not one more for each range or enumeration it then
    cannot meet either.
    """
    if not mapped.labels:
        return
    shapes = Graph(bind_namespaces="none")
    shapes.parse(SHAPES_FILE, format="turtle")
    with _ill_typed_literals_unlogged():
        conforms, report, _text = pyshacl.validate(
            mapped.graph, shacl_graph=shapes, inference="none", advanced=False
        )
    if conforms:
        return
    results = cast(Graph, report)
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        component = results.value(result, SH.sourceConstraintComponent)
        if focus is None or component is None:
            continue
        if focus in mapped.references and component in _NOT_FOR_REFERENCES:
            continue
        path = results.value(result, SH.resultPath)
        if component == SH.XoneConstraintComponent:
            path, value = _xone_path(
                mapped.graph, shapes, focus, results.value(result, SH.sourceShape)
            )
            violations.append((focus, path, value, component, result))
            continue
        violations.append((focus, path, results.value(result, SH.value), component, result))
    mistyped = {
        (focus, path, value)
        for focus, path, value, component, _ in violations
        if component == SH.DatatypeConstraintComponent
    }
    found = []
    for focus, path, value, component, result in violations:
        if (focus, path, value) in mistyped and component != SH.DatatypeConstraintComponent:
            continue
        shape = results.value(result, SH.sourceShape)
        message = _message(shapes, shape, component, path, results)
        if message is None:
            message = str(results.value(result, SH.resultMessage) or _local(component))
        found.append(
            LoadProblem(
                Origin(name, _show(focus), _path_name(results, path)),
                message,
                None if value is None else _show(value),
            )
        )
    yield from sorted(found, key=lambda p: (str(p.origin.line), p.origin.field or "", p.message))


_NOT_FOR_REFERENCES = (SH.MinCountConstraintComponent, SH.XoneConstraintComponent)


def _xone_paths(shapes: Graph, shape: Node | None) -> list[Node]:
    """The paths of the alternatives of a node shape's `sh:xone` (cxgraph's shapes give one
    property shape per alternative)."""
    alternatives = None if shape is None else shapes.value(shape, SH.xone)
    paths = []
    for alternative in Collection(shapes, alternatives or RDF.nil):
        for prop_shape in shapes.objects(alternative, SH.property):
            if (path := shapes.value(prop_shape, SH.path)) is not None:
                paths.append(path)
    return paths


def _xone_path(
    data: Graph, shapes: Graph, focus: Node, shape: Node | None
) -> tuple[Node | None, Node | None]:
    """Where to locate a violation of `sh:xone`: the first alternative when the node has
    none of them, else the second one it has, with its value."""
    paths = _xone_paths(shapes, shape)
    given = [(p, v) for p in paths for v in sorted(data.objects(focus, p), key=str)]
    if not given:
        return (paths[0] if paths else None), None
    return given[1] if len(given) > 1 else given[0]


def _message(
    shapes: Graph, shape: Node | None, component: Node, path: Node | None, results: Graph
) -> str | None:
    """A plain-words message for the violation of a constraint of `shape`, naming the SHACL
    constraint; None for a constraint the shapes of cxgraph do not use."""

    def given(parameter: URIRef) -> Node | None:
        return None if shape is None else shapes.value(shape, parameter)

    def classes() -> str:
        alternatives = given(SH["or"])
        found = (
            [given(SH["class"])]
            if alternatives is None
            else [shapes.value(alt, SH["class"]) for alt in Collection(shapes, alternatives)]
        )
        return " or ".join(_curie(c) for c in found if c is not None)

    inverse = None if path is None else results.value(path, SH.inversePath)
    if component == SH.MinCountConstraintComponent:
        if inverse is not None:
            return (
                f"no {classes()} has {_local(inverse)} to this node; one is required (sh:minCount)"
            )
        return f"a value is required (sh:minCount {given(SH.minCount)})"
    if component == SH.MaxCountConstraintComponent:
        if inverse is not None:
            return f"more than {given(SH.maxCount)} node has {_local(inverse)} to this node"
        return f"at most {given(SH.maxCount)} value allowed (sh:maxCount)"
    if component == SH.DatatypeConstraintComponent:
        return (
            f"expected a literal of type {_curie(given(SH.datatype) or XSD.string)} (sh:datatype)"
        )
    if component == SH.XoneConstraintComponent:
        names = " or ".join(_local(p) for p in _xone_paths(shapes, shape))
        return f"expected exactly one of {names} (sh:xone)"
    if component in (SH.ClassConstraintComponent, SH.OrConstraintComponent):
        return f"expected a node typed {classes()} (sh:class)"
    if component == SH.InConstraintComponent:
        allowed = Collection(shapes, given(SH["in"]) or RDF.nil)
        return f"expected one of {', '.join(str(v) for v in allowed)} (sh:in)"
    if component == SH.MinInclusiveConstraintComponent:
        return f"expected at least {given(SH.minInclusive)} (sh:minInclusive)"
    if component == SH.MaxInclusiveConstraintComponent:
        return f"expected at most {given(SH.maxInclusive)} (sh:maxInclusive)"
    if component == SH.PatternConstraintComponent:
        return f"expected text matching {given(SH.pattern)} (sh:pattern)"
    if component == SH.MinLengthConstraintComponent:
        return f"expected at least {given(SH.minLength)} character (sh:minLength)"
    return None


def _path_name(results: Graph, path: Node | None) -> str | None:
    """The local name of a property path; `^NAME` for an inverse path."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _local(path)
    inverse = results.value(path, SH.inversePath)
    return f"^{_local(inverse)}" if inverse is not None else _show(path)


# --- export ------------------------------------------------------------------------------


def node_iri(label: str, node_id: str) -> URIRef:
    """The IRI of a node in the export: `https://cxgraph.org/data/<Label>/<quoted id>`."""
    quoted = quote(node_id, safe="")
    if not quoted.strip("."):  # "." and ".." would be removed as dot-segments
        quoted = quoted.replace(".", "%2E")
    return DATA[f"{label}/{quoted}"]


def _decimal(value: Any) -> str:
    text = format(Decimal(repr(float(value))), "f")
    return text if "." in text else f"{text}.0"


def _literal(value: Any, spec: PropertySpec | None) -> RdfLiteral:
    """A property value as a literal of its ontology datatype (strings as simple literals,
    which RDF 1.1 defines to be xsd:string)."""
    if spec is None:
        datatype = (
            "boolean"
            if isinstance(value, bool)
            else "integer"
            if isinstance(value, int)
            else "decimal"
            if isinstance(value, float)
            else "string"
        )
    else:
        datatype = spec.datatype
    match datatype:
        case "integer":
            return RdfLiteral(str(value), datatype=XSD.integer)
        case "decimal":
            return RdfLiteral(_decimal(value), datatype=XSD.decimal)
        case "boolean":
            return RdfLiteral("true" if value else "false", datatype=XSD.boolean)
        case "date":
            return RdfLiteral(str(value), datatype=XSD.date)
        case "dateTime":
            return RdfLiteral(str(value), datatype=XSD.dateTime)
        case _:
            return RdfLiteral(str(value))


async def export_graph(store: QueryRunner) -> Graph:
    """The whole graph as RDF: nodes with `rdf:type`, `cx:id` and their properties,
    relationships as triples, and the properties of each relationship (its provenance) on an
    `rdf:Statement` that reifies it, named `<source node IRI>/<TYPE>/<Label>/<quoted id>`."""
    schema = load_schema()
    graph = Graph(bind_namespaces="none")
    async for item in dump(store):
        if "label" in item:
            label, node_id = item["label"], item["id"]
            subject = node_iri(label, node_id)
            specs = {**schema.provenance_properties, **schema.node_types[label].properties}
            graph.add((subject, RDF.type, CX[label]))
            graph.add((subject, CX.id, RdfLiteral(node_id)))
            for key, value in item["props"].items():
                graph.add((subject, CX[key], _literal(value, specs.get(key))))
            continue
        subject, target = node_iri(*item["from"]), node_iri(*item["to"])
        predicate = CX[item["type"]]
        graph.add((subject, predicate, target))
        if item["props"]:
            target_label, target_id = item["to"]
            statement = URIRef(
                f"{subject}/{item['type']}/{target_label}/{quote(target_id, safe='')}"
            )
            graph.add((statement, RDF.type, RDF.Statement))
            graph.add((statement, RDF.subject, subject))
            graph.add((statement, RDF.predicate, predicate))
            graph.add((statement, RDF.object, target))
            for key, value in item["props"].items():
                spec = schema.provenance_properties.get(key)
                graph.add((statement, CX[key], _literal(value, spec)))
    return graph


async def export_rdf(store: QueryRunner, path: Path, fmt: ExportFormat = "turtle") -> int:
    """Write the whole graph as Turtle or JSON-LD; the same graph always gives the same
    bytes. Returns the number of triples written."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    graph = await export_graph(store)
    text = to_turtle(graph) if fmt == "turtle" else to_jsonld(graph)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
    return len(graph)


_PREFIXES = (("cx", CX), ("rdf", RDF), ("xsd", XSD))


def _by_subject(graph: Graph) -> list[tuple[Node, list[tuple[Node, list[Node]]]]]:
    """The triples of `graph` grouped by subject and predicate: subjects in IRI order,
    rdf:type first and then predicates in IRI order."""
    grouped: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for subject, predicate, value in graph:
        grouped[subject][predicate].append(value)
    return [
        (
            subject,
            sorted(
                predicates.items(),
                key=lambda item: (item[0] != RDF.type, str(item[0])),
            ),
        )
        for subject, predicates in sorted(grouped.items(), key=lambda item: _show(item[0]))
    ]


def to_turtle(graph: Graph) -> str:
    """`graph` as Turtle: one block per subject, subjects, predicates and values sorted.

    (rdflib's Turtle serializer sorts too, but takes seconds for a graph of this kind.)
    """
    names = NamespaceManager(Graph(bind_namespaces="none"), bind_namespaces="none")
    for prefix, namespace in _PREFIXES:
        names.bind(prefix, namespace)
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in _PREFIXES]
    for subject, predicates in _by_subject(graph):
        lines.append("")
        statements = []
        for predicate, values in predicates:
            verb = "a" if predicate == RDF.type else predicate.n3(names)
            objects = sorted(value.n3(names) for value in values)
            statements.append(f"{verb} " + ",\n        ".join(objects))
        lines.append(f"{subject.n3(names)} " + " ;\n    ".join(statements) + " .")
    return "\n".join(lines) + "\n"


def _compact(iri: Node) -> str:
    for prefix, namespace in _PREFIXES:
        if str(iri).startswith(str(namespace)):
            return f"{prefix}:{str(iri)[len(str(namespace)) :]}"
    return str(iri)


def _json_value(value: Node) -> Any:
    if isinstance(value, URIRef):
        return {"@id": str(value)}
    if isinstance(value, BNode):
        return {"@id": f"_:{value}"}
    assert isinstance(value, RdfLiteral)
    if value.language:
        return {"@value": str(value), "@language": value.language}
    if value.datatype is None or value.datatype == XSD.string:
        return str(value)
    return {"@value": str(value), "@type": _compact(value.datatype)}


def to_jsonld(graph: Graph) -> str:
    """`graph` as compact JSON-LD: one object per subject in `@graph`, subjects, keys and
    values sorted; a key with one value has it alone, with several a sorted array."""

    def sort_key(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    nodes = []
    for subject, predicates in _by_subject(graph):
        node: dict[str, Any] = {"@id": _show(subject)}
        for predicate, values in predicates:
            if predicate == RDF.type:
                key, shown = "@type", [_compact(value) for value in values]
            else:
                key, shown = _compact(predicate), [_json_value(value) for value in values]
            node[key] = shown[0] if len(shown) == 1 else sorted(shown, key=sort_key)
        nodes.append(node)
    document = {"@context": {prefix: str(ns) for prefix, ns in _PREFIXES}, "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
