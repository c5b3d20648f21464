"""The ontology parses, follows cxgraph's conventions, and its shapes judge data correctly."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from ontology.codegen import NAMESPACE_FILE, render_namespace
from ontology.model import (
    CX,
    SHAPES_FILE,
    OntologyError,
    load_schema,
    ontology_graph,
    read_schema,
)
from ontology.namespace import CX as NS

EX = Namespace("https://example.org/kestrel/")


def test_turtle_parses_and_every_term_is_documented() -> None:
    graph = ontology_graph()
    schema = read_schema(graph)
    for node_type in schema.node_types.values():
        assert node_type.title, node_type.label
        assert node_type.comment, node_type.label
    for rel in schema.relationship_types.values():
        assert rel.title, rel.type
        assert rel.comment, rel.type
        assert rel.type == rel.type.upper()
    for node_type in schema.node_types.values():
        for prop in node_type.properties.values():
            assert prop.title, prop.name
            assert prop.comment, prop.name


def test_design_sketch_is_covered() -> None:
    schema = load_schema()
    expected_labels = {
        "Customer", "Persona", "Segment", "Journey", "Stage", "Touchpoint", "Channel",
        "CustomerNeed", "PainPoint", "Feedback", "Measurement", "Process", "System", "Team",
        "Person", "Opportunity", "LoadRun",
    }  # fmt: skip
    assert schema.data_labels == expected_labels
    assert schema.labels - schema.data_labels == {"UnitOfWork", "UndoStep"}  # the store's
    triples = set(schema.endpoints())
    for triple in [
        ("Customer", "HAS_PERSONA", "Persona"),
        ("Customer", "IN_SEGMENT", "Segment"),
        ("Journey", "FOR_PERSONA", "Persona"),
        ("Journey", "HAS_STAGE", "Stage"),
        ("Stage", "HAS_TOUCHPOINT", "Touchpoint"),
        ("Touchpoint", "NEXT", "Touchpoint"),
        ("Touchpoint", "VIA", "Channel"),
        ("Touchpoint", "ADDRESSES", "CustomerNeed"),
        ("PainPoint", "OCCURS_AT", "Touchpoint"),
        ("Feedback", "ABOUT", "Touchpoint"),
        ("Feedback", "VIA", "Channel"),
        ("Feedback", "GIVEN_BY", "Customer"),
        ("Feedback", "EVIDENCES", "PainPoint"),
        ("Measurement", "OF", "Touchpoint"),
        ("Measurement", "OF", "Stage"),
        ("Measurement", "OF", "Journey"),
        ("Measurement", "OF", "Channel"),
        ("Process", "SUPPORTS", "Touchpoint"),
        ("Process", "PART_OF", "Process"),
        ("Process", "HANDS_OFF_TO", "Process"),
        ("Process", "USES", "System"),
        ("System", "SUPPORTS", "Touchpoint"),
        ("System", "DEPENDS_ON", "System"),
        ("Team", "PART_OF", "Team"),
        ("Person", "MEMBER_OF", "Team"),
        ("Person", "REPORTS_TO", "Person"),
        ("Person", "LEADS", "Team"),
        ("Team", "OWNS", "Journey"),
        ("Team", "OWNS", "Touchpoint"),
        ("Team", "OWNS", "Process"),
        ("Team", "OWNS", "System"),
        ("Team", "OWNS", "Opportunity"),
        ("Team", "PERFORMS", "Process"),
        ("Opportunity", "ADDRESSES", "PainPoint"),
    ]:
        assert triple in triples
    # Pairing is exact: a touchpoint cannot address a pain point.
    assert ("Touchpoint", "ADDRESSES", "PainPoint") not in triples
    assert schema.node_types["Process"].properties["layer"].allowed == (
        "frontstage",
        "backstage",
        "support",
    )
    assert "mobile_app" in (schema.node_types["Channel"].properties["kind"].allowed or ())
    assert set(schema.provenance_properties) == {"source", "loadRun"}


def test_alignment_with_published_vocabularies() -> None:
    graph = ontology_graph()
    org = Namespace("http://www.w3.org/ns/org#")
    prov = Namespace("http://www.w3.org/ns/prov#")
    subclass = URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    subprop = URIRef("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")
    assert (CX.Team, subclass, org.OrganizationalUnit) in graph
    assert (CX.MEMBER_OF, subprop, org.memberOf) in graph
    assert (CX.LoadRun, subclass, prov.Activity) in graph
    assert (CX.Channel, subclass, URIRef("https://schema.org/ServiceChannel")) in graph


def test_a_shape_naming_an_undeclared_property_is_refused() -> None:
    graph = ontology_graph()
    shape = next(graph.subjects(URIRef("http://www.w3.org/ns/shacl#targetClass"), CX.Team))
    bogus = Graph()
    bogus.parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <{shape}> sh:property [ sh:path <{CX}colour> ; sh:datatype <{XSD.string}> ] .
        """,
        format="turtle",
    )
    with pytest.raises(OntologyError, match="colour"):
        read_schema(graph + bogus)


def test_feedback_is_about_a_touchpoint_or_via_a_channel() -> None:
    schema = load_schema()
    feedback = schema.node_types["Feedback"]
    assert feedback.exactly_one == (("ABOUT", "VIA"),)
    assert all(not node.exactly_one for node in schema.node_types.values() if node is not feedback)
    for rel_type in ("ABOUT", "VIA"):
        (endpoint,) = [
            e for e in schema.relationship_types[rel_type].endpoints if e.source == "Feedback"
        ]
        assert (endpoint.min_count, endpoint.max_count) == (0, 1)


@pytest.mark.parametrize(
    ("alternative", "message"),
    [
        (f"[ sh:property [ sh:path <{CX}colour> ; sh:minCount 1 ] ]", "one sh:property"),
        (f"[ sh:property [ sh:path <{CX}OWNS> ] ]", "needs sh:minCount 1"),
        (f"[ sh:property [ sh:path <{CX}OWNS> ; sh:minCount 1 ] ]", "no sh:property allows OWNS"),
    ],
)
def test_an_xone_the_model_cannot_read_is_refused(alternative: str, message: str) -> None:
    graph = ontology_graph()
    shape = next(graph.subjects(URIRef("http://www.w3.org/ns/shacl#targetClass"), CX.Customer))
    bogus = Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <{shape}> sh:xone ( {alternative} [ sh:property [ sh:path <{CX}IN_SEGMENT> ; sh:minCount 1 ] ] ) .
        """,
        format="turtle",
    )
    with pytest.raises(OntologyError, match=message):
        read_schema(graph + bogus)


def _shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle") + ontology_graph()


def _kestrel() -> Graph:
    g = Graph()
    g.add((EX.web, RDF.type, CX.Team))
    g.add((EX.web, CX.id, Literal("team-web")))
    g.add((EX.web, CX.name, Literal("Web & CMS")))
    g.add((EX.web, CX.kind, Literal("team")))
    g.add((EX.pricing, RDF.type, CX.Process))
    g.add((EX.pricing, CX.id, Literal("proc-3.4.1")))
    g.add((EX.pricing, CX.name, Literal("Publish prices")))
    g.add((EX.pricing, CX.code, Literal("3.4.1")))
    g.add((EX.pricing, CX.layer, Literal("frontstage")))
    g.add((EX.web, CX.PERFORMS, EX.pricing))
    g.add((EX.pp, RDF.type, CX.PainPoint))
    g.add((EX.pp, CX.id, Literal("pp-hidden-fees")))
    g.add((EX.pp, CX.name, Literal("Fees only visible at checkout")))
    g.add((EX.pp, CX.severity, Literal(4)))
    g.add((EX.pp, CX.OCCURS_AT, EX.tp))
    g.add((EX.tp, RDF.type, CX.Touchpoint))
    g.add((EX.tp, CX.id, Literal("tp-compare")))
    g.add((EX.tp, CX.name, Literal("Compare plans")))
    g.add((EX.tp, CX.order, Literal(1)))
    g.add((EX.tp, CX.VIA, EX.web_channel))
    g.add((EX.web_channel, RDF.type, CX.Channel))
    g.add((EX.web_channel, CX.id, Literal("ch-web")))
    g.add((EX.web_channel, CX.name, Literal("Website")))
    g.add((EX.web_channel, CX.kind, Literal("web")))
    g.add((EX.stage, RDF.type, CX.Stage))
    g.add((EX.stage, CX.id, Literal("st-explore")))
    g.add((EX.stage, CX.name, Literal("Explore")))
    g.add((EX.stage, CX.order, Literal(1)))
    g.add((EX.stage, CX.HAS_TOUCHPOINT, EX.tp))
    g.add((EX.journey, RDF.type, CX.Journey))
    g.add((EX.journey, CX.id, Literal("j-switch")))
    g.add((EX.journey, CX.name, Literal("Switching")))
    g.add((EX.journey, CX.HAS_STAGE, EX.stage))
    g.add((EX.fb, RDF.type, CX.Feedback))
    g.add((EX.fb, CX.id, Literal("fb-1")))
    g.add((EX.fb, CX.kind, Literal("complaint")))
    g.add((EX.fb, CX.date, Literal("2026-01-05", datatype=XSD.date)))
    g.add((EX.fb, CX.ABOUT, EX.tp))
    return g


def _check(data: Graph) -> tuple[bool, str]:
    conforms, _, text = validate(data, shacl_graph=_shapes(), ont_graph=None, inference="none")
    return bool(conforms), str(text)


def test_shapes_accept_good_data() -> None:
    conforms, report = _check(_kestrel())
    assert conforms, report
    via_channel = _kestrel()
    via_channel.remove((EX.fb, CX.ABOUT, None))
    via_channel.add((EX.fb, CX.VIA, EX.web_channel))
    conforms, report = _check(via_channel)
    assert conforms, report


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # required property missing
        (lambda g: g.remove((EX.web, CX.name, None)), "cx:name"),
        # value outside an enumeration
        (lambda g: g.set((EX.pricing, CX.layer, Literal("middle"))), "middle"),
        # value outside a range
        (lambda g: g.set((EX.pp, CX.severity, Literal(9))), "9"),
        # wrong datatype
        (lambda g: g.set((EX.tp, CX.order, Literal("first"))), "cx:order"),
        # relationship to the wrong class
        (lambda g: g.set((EX.pp, CX.OCCURS_AT, EX.web)), "cx:OCCURS_AT"),
        # required relationship missing
        (lambda g: g.remove((EX.tp, CX.VIA, None)), "cx:VIA"),
        # malformed process code
        (lambda g: g.set((EX.pricing, CX.code, Literal("3.x"))), "3.x"),
        # a touchpoint in two stages
        (lambda g: g.add((EX.stage2, CX.HAS_TOUCHPOINT, EX.tp)), "HAS_TOUCHPOINT"),
        # feedback about a touchpoint and via a channel, or about neither
        (lambda g: g.add((EX.fb, CX.VIA, EX.web_channel)), "XoneConstraintComponent"),
        (lambda g: g.remove((EX.fb, CX.ABOUT, None)), "XoneConstraintComponent"),
        # via something that is no channel
        (lambda g: (g.remove((EX.fb, CX.ABOUT, None)), g.add((EX.fb, CX.VIA, EX.tp))), "cx:VIA"),
    ],
)
def test_shapes_reject_bad_data_with_readable_messages(change: object, expected: str) -> None:
    data = _kestrel()
    if expected == "HAS_TOUCHPOINT":
        data.add((EX.stage2, RDF.type, CX.Stage))
        data.add((EX.stage2, CX.id, Literal("st-buy")))
        data.add((EX.stage2, CX.name, Literal("Buy")))
        data.add((EX.stage2, CX.order, Literal(2)))
        data.add((EX.journey, CX.HAS_STAGE, EX.stage2))
    change(data)  # type: ignore[operator]
    conforms, report = _check(data)
    assert not conforms
    assert expected in report
    assert "Message:" in report


def test_generated_namespace_is_current() -> None:
    assert NAMESPACE_FILE.read_text(encoding="utf-8") == render_namespace(), (
        "ontology/namespace.py is stale: run `python -m ontology.codegen`"
    )
    assert NS.Team == CX.Team
    with pytest.raises(AttributeError):
        _ = NS.Teem
