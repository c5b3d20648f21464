"""RDF in and out: the demo graph survives Turtle and JSON-LD round trips through a real
engine (provenance aside, which a load rewrites); a W3C ORG org chart loads into exact
teams, people and relationships; re-loading changes nothing; bad files are refused at the
IRI and property at fault and leave the graph byte for byte as it was."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from loaders.export import dump, export_json
from loaders.pipeline import Source, demo_sources, load
from loaders.rdf import export_graph, export_rdf, node_iri, parse_rdf, read_rdf
from loaders.records import LoadFailed, LoadProblem, NodeRecord, Origin, RelRecord
from ontology.model import CX, load_schema
from queries.embedded import EmbeddedEngine
from queries.falkor import FalkorStore
from queries.store import GraphStore
from tests.conftest import short_tmp_dir
from tests.loaders.conftest import write

DATA = Path(__file__).parent / "data"
ORG_CHART = DATA / "rdf-org-chart.ttl"
EX = "https://example.org/kestrel/"
D = "https://cxgraph.org/data/"


def parsed(path: Path) -> Graph:
    graph = parse_rdf(path)
    assert isinstance(graph, Graph), graph
    return graph


def without_provenance(graph: Graph) -> Graph:
    """`graph` less what a load rewrites: cx:source and cx:loadRun, and the load runs."""
    runs = set(graph.subjects(RDF.type, CX.LoadRun))
    kept = Graph()
    for triple in graph:
        if triple[0] not in runs and triple[1] not in (CX.source, CX.loadRun):
            kept.add(triple)
    return kept


def assert_same_graph(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail(
            f"{len(missing)} triples lost, e.g. {sorted(missing)[:5]}; "
            f"{len(extra)} triples gained, e.g. {sorted(extra)[:5]}"
        )


async def snapshot(store: GraphStore, path: Path) -> bytes:
    await export_json(store, path)
    return path.read_bytes()


# --- round trips of the demo graph ----------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "suffix"), [("turtle", ".ttl"), ("json-ld", ".jsonld")])
async def test_the_demo_graph_survives_a_round_trip(
    fmt: Any, suffix: str, demo_store: GraphStore, empty_store: FalkorStore, tmp_path: Path
) -> None:
    exported = tmp_path / f"demo{suffix}"
    count = await export_rdf(demo_store, exported, fmt)
    report = await load(empty_store, [Source("rdf", exported)])
    assert report.changed
    again = tmp_path / f"again{suffix}"
    assert await export_rdf(empty_store, again, fmt) == count

    first, second = parsed(exported), parsed(again)
    assert len(first) == count
    assert_same_graph(without_provenance(first), without_provenance(second))
    # what differs is provenance only, and honestly so: every node and relationship now
    # says it came from the RDF file, and there is exactly one load run, the new one
    assert set(second.objects(None, CX.source)) == {Literal(f"rdf:{exported.name}")}
    assert set(second.subjects(RDF.type, CX.LoadRun)) == {node_iri("LoadRun", report.run_id or "")}
    assert len(set(first.subjects(RDF.type, RDF.Statement))) > 1000  # relationships reified

    # loading the same file again changes nothing at all
    before = await snapshot(empty_store, tmp_path / "before.jsonl")
    reloaded = await load(empty_store, [Source("rdf", exported)])
    assert reloaded.changed is False
    assert reloaded.run_id is None
    assert await snapshot(empty_store, tmp_path / "after.jsonl") == before


@pytest.mark.slow
async def test_an_export_is_the_same_bytes_every_time_in_both_formats(
    demo_store: GraphStore, tmp_path: Path
) -> None:
    for fmt, suffix in (("turtle", ".ttl"), ("json-ld", ".jsonld")):
        one, two = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
        await export_rdf(demo_store, one, fmt)  # type: ignore[arg-type]
        await export_rdf(demo_store, two, fmt)  # type: ignore[arg-type]
        assert one.read_bytes() == two.read_bytes()
    assert_same_graph(parsed(tmp_path / "one.ttl"), parsed(tmp_path / "one.jsonld"))


async def test_the_export_types_every_value_and_reifies_relationship_provenance(
    demo_store: GraphStore,
) -> None:
    graph = await export_graph(demo_store)
    measurement = URIRef(f"{D}Measurement/m-j-broadband-nps-after")
    assert (measurement, RDF.type, CX.Measurement) in graph
    assert graph.value(measurement, CX.id) == Literal("m-j-broadband-nps-after")
    assert graph.value(measurement, CX.value) == Literal("4.0", datatype=XSD.decimal)
    assert graph.value(measurement, CX.sampleSize) == Literal("311", datatype=XSD.integer)
    assert graph.value(measurement, CX.date) == Literal("2026-09-30", datatype=XSD.date)
    assert graph.value(measurement, CX.metric) == Literal("nps")  # xsd:string (RDF 1.1)
    moments = set(graph.objects(None, CX.momentOfTruth))
    assert moments <= {
        Literal("true", datatype=XSD.boolean),
        Literal("false", datatype=XSD.boolean),
    }
    assert moments
    (run,) = graph.subjects(RDF.type, CX.LoadRun)
    assert graph.value(run, CX.startedAt).datatype == XSD.dateTime  # type: ignore[union-attr]

    daniel, ingrid = (
        URIRef(f"{D}Person/p-daniel-kowalczyk"),
        URIRef(f"{D}Person/p-ingrid-halvorsen"),
    )
    assert (daniel, CX.REPORTS_TO, ingrid) in graph
    (statement,) = set(graph.subjects(RDF.subject, daniel)) & set(
        graph.subjects(RDF.object, ingrid)
    )
    assert graph.value(statement, RDF.predicate) == CX.REPORTS_TO
    assert graph.value(statement, CX.source) == Literal("people:people.csv")
    relationships = [item async for item in dump(demo_store) if "type" in item]
    assert len(set(graph.subjects(RDF.type, RDF.Statement))) == len(relationships)


def test_node_iris_quote_ids() -> None:
    assert node_iri("Team", "team-web") == URIRef(f"{D}Team/team-web")
    assert node_iri("Team", "a/b#c?d é") == URIRef(f"{D}Team/a%2Fb%23c%3Fd%20%C3%A9")
    assert node_iri("Team", "..") == URIRef(f"{D}Team/%2E%2E")  # not a dot-segment


async def test_an_unknown_export_format_is_refused(demo_store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown RDF format 'rdf-xml'"):
        await export_rdf(demo_store, tmp_path / "x.rdf", "rdf-xml")  # type: ignore[arg-type]
    assert not (tmp_path / "x.rdf").exists()


# --- a W3C ORG org chart ----------------------------------------------------------------

TEAMS = {
    "kestrel": "Kestrel Telecom",
    "customer-ops": "Customer Operations",
    "technology": "Technology",
    "billing-care": "Billing Care",
    "platforms": "Platforms",
}
PEOPLE = {
    "ada": {"name": "Ada Lindqvist", "email": "ada.lindqvist@kestrel.example"},
    "ben": {"name": "Ben Okafor"},
    "chloe": {"name": "Chloé Martin"},
    "dev": {"name": "Dev Raman"},
    "eve": {"name": "Eve Santos"},
}
RELATIONSHIPS = {
    "PART_OF": {
        ("customer-ops", "kestrel"),
        ("technology", "kestrel"),
        ("billing-care", "customer-ops"),
        ("platforms", "technology"),
    },
    "MEMBER_OF": {
        ("ada", "kestrel"),  # org:headOf is a sub-property of org:memberOf
        ("ben", "customer-ops"),
        ("chloe", "billing-care"),
        ("dev", "technology"),  # an org:Membership
        ("eve", "platforms"),  # org:hasMember
    },
    "LEADS": {("ada", "kestrel"), ("ben", "customer-ops"), ("dev", "technology")},
    "REPORTS_TO": {("ben", "ada"), ("chloe", "ben"), ("dev", "ada"), ("eve", "dev")},
}


async def test_a_w3c_org_chart_loads_into_exact_teams_people_and_relationships(
    empty_store: FalkorStore,
) -> None:
    report = await load(empty_store, [Source("rdf", ORG_CHART)])
    items = [item async for item in dump(empty_store)]
    nodes = {
        (i["label"], i["id"]): {
            k: v for k, v in i["props"].items() if k not in ("source", "loadRun")
        }
        for i in items
        if "label" in i and i["label"] != "LoadRun"
    }
    assert nodes == {
        **{("Team", tid): {"name": name} for tid, name in TEAMS.items()},
        **{("Person", pid): props for pid, props in PEOPLE.items()},
    }
    found: dict[str, set[tuple[str, str]]] = {}
    for i in items:
        if "type" in i:
            found.setdefault(i["type"], set()).add((i["from"][1], i["to"][1]))
            assert i["props"] == {"source": "rdf:rdf-org-chart.ttl", "loadRun": report.run_id}
    assert found == RELATIONSHIPS
    assert {i["props"]["source"] for i in items if "label" in i and i["label"] != "LoadRun"} == {
        "rdf:rdf-org-chart.ttl"
    }


async def test_reloading_the_same_rdf_file_changes_nothing(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    first = await load(empty_store, [Source("rdf", ORG_CHART)])
    assert first.changed
    before = await snapshot(empty_store, tmp_path / "before.jsonl")
    again = await load(empty_store, [Source("rdf", ORG_CHART)])
    assert again.changed is False
    assert again.run_id is None
    assert again.totals()["unchanged"] == first.totals()["created"]
    assert await snapshot(empty_store, tmp_path / "after.jsonl") == before


async def test_a_node_given_by_type_only_refers_to_a_node_already_in_the_graph(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    path = tmp_path / "new-hire.ttl"
    path.write_text(
        PREFIXES
        + f'<{EX}zoe> a cx:Person ; cx:name "Zoë Ng" ; cx:MEMBER_OF <{D}Team/team-web> .\n'
        + f"<{D}Team/team-web> a cx:Team .\n",
        encoding="utf-8",
    )
    report = await load(demo_store_copy, [Source("rdf", path)])
    assert report.nodes["Person"].created == 1
    assert report.nodes["Team"].total == 0  # the reference is not written
    assert report.relationships["MEMBER_OF"].created == 1
    (team,) = [
        i async for i in dump(demo_store_copy) if i.get("label") == "Team" and i["id"] == "team-web"
    ]
    assert team["props"]["name"] == "Web & CMS"
    assert team["props"]["source"] == "teams:teams.csv"


async def test_a_reference_can_carry_relationships_of_an_existing_node(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    path = tmp_path / "new-touchpoint.ttl"
    path.write_text(
        PREFIXES
        + f"<{D}Stage/st-bb-bill> a cx:Stage ; cx:HAS_TOUCHPOINT <{EX}tp-bill-app> .\n"
        + f'<{EX}tp-bill-app> a cx:Touchpoint ; cx:name "See the bill in the app" ;\n'
        + f"    cx:order 9 ; cx:momentOfTruth false ; cx:VIA <{D}Channel/ch-app> .\n"
        + f"<{D}Channel/ch-app> a cx:Channel .\n",
        encoding="utf-8",
    )
    report = await load(demo_store_copy, [Source("rdf", path)])
    assert report.nodes["Touchpoint"].created == 1
    assert report.nodes["Stage"].total == report.nodes["Channel"].total == 0
    assert report.relationships["HAS_TOUCHPOINT"].created == 1
    assert report.relationships["VIA"].created == 1
    (touchpoint,) = [
        i
        async for i in dump(demo_store_copy)
        if i.get("label") == "Touchpoint" and i["id"] == "tp-bill-app"
    ]
    assert touchpoint["props"]["momentOfTruth"] is False
    assert touchpoint["props"]["order"] == 9


# --- the reader on its own ------------------------------------------------------------

PREFIXES = (
    "@prefix cx: <https://cxgraph.org/ontology#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix org: <http://www.w3.org/ns/org#> .\n"
    "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
)


def read(path: Path, text: str) -> list[NodeRecord | RelRecord | LoadProblem]:
    path.write_text(text, encoding="utf-8")
    return list(read_rdf(path, load_schema()))


def test_ids_come_from_cx_id_or_else_the_end_of_the_iri(tmp_path: Path) -> None:
    items = read(
        tmp_path / "teams.ttl",
        PREFIXES
        + '<https://example.org/units#caf%C3%A9> a cx:Team ; cx:name "Café" .\n'
        + '<https://example.org/units/42> a cx:Team ; cx:id "team-42" ; cx:name "42" ;\n'
        + "    cx:PART_OF <https://example.org/units#caf%C3%A9> .\n",
    )
    assert [(i.id, i.props) for i in items if isinstance(i, NodeRecord)] == [
        ("café", {"id": "café", "name": "Café"}),  # nodes come in IRI order
        ("team-42", {"id": "team-42", "name": "42"}),
    ]
    (rel,) = [i for i in items if isinstance(i, RelRecord)]
    assert rel.key == ("Team", "team-42", "PART_OF", "Team", "café")
    assert rel.origin == Origin(
        str(tmp_path / "teams.ttl"), "https://example.org/units/42", "PART_OF"
    )


def test_json_ld_and_n_triples_are_read_too(tmp_path: Path) -> None:
    jsonld = read(
        tmp_path / "team.json",
        '{"@context": {"cx": "https://cxgraph.org/ontology#"},\n'
        ' "@graph": [{"@id": "team-a", "@type": "cx:Team", "cx:name": "A", "cx:kind": "team"}]}',
    )
    triples = read(
        tmp_path / "team.nt",
        "<https://example.org/team-a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://cxgraph.org/ontology#Team> .\n"
        '<https://example.org/team-a> <https://cxgraph.org/ontology#name> "A" .\n'
        '<https://example.org/team-a> <https://cxgraph.org/ontology#kind> "team" .\n',
    )
    for items in (jsonld, triples):
        assert [(i.label, i.props) for i in items if isinstance(i, NodeRecord)] == [
            ("Team", {"id": "team-a", "name": "A", "kind": "team"})
        ]


def test_a_blank_node_needs_an_id(tmp_path: Path) -> None:
    (problem,) = read(tmp_path / "blank.ttl", PREFIXES + '[] a cx:Team ; cx:name "Anonymous" .\n')
    assert isinstance(problem, LoadProblem)
    assert str(problem.origin.line).startswith("_:")
    assert problem.origin.field == "id"
    assert problem.message == "a blank node needs a cx:id"


def test_names_prefer_english_and_untagged_labels(tmp_path: Path) -> None:
    items = read(
        tmp_path / "unit.ttl",
        PREFIXES
        + "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        + f'<{EX}finance> a org:OrganizationalUnit ; skos:prefLabel "Finanzen"@de, "Finance"@en .\n',
    )
    assert [i.props for i in items if isinstance(i, NodeRecord)] == [
        {"id": "finance", "name": "Finance"}
    ]


# --- bad files ------------------------------------------------------------------------


@dataclass
class Preloaded:
    store: FalkorStore
    export: bytes
    work: Path


@pytest.fixture(scope="module")
async def preloaded() -> AsyncIterator[Preloaded]:
    """One real engine holding the demo company and the ORG chart, shared by the bad-file
    cases: each must leave it exactly as it was."""
    path = short_tmp_dir("cxg-rdf-")
    store = await FalkorStore.open(EmbeddedEngine(path), "test")
    try:
        await store.apply_schema()
        await load(store, [*demo_sources(), Source("rdf", ORG_CHART)])
        await export_json(store, path / "baseline.jsonl")
        yield Preloaded(store, (path / "baseline.jsonl").read_bytes(), path)
    finally:
        await store.close()
        shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True)
class Bad:
    name: str
    """File name; its suffix chooses the parser."""
    content: str | bytes
    line: int | str
    """The line, or the IRI of the node at fault."""
    field: str | None
    message: str


TP = f"<{D}Touchpoint/tp-switch-compare-plans> a cx:Touchpoint .\n"  # a reference
BAD = {
    "unparseable Turtle": Bad(
        "bad.ttl",
        PREFIXES + f'<{EX}a> a cx:Team ;\n    cx:name "A"\n<{EX}b> a cx:Team .\n',
        7,
        None,
        "not valid Turtle: expected '.' or '}' or ']' at end of statement",
    ),
    "unparseable JSON-LD": Bad(
        "bad.jsonld",
        '{\n  "@id": "https://example.org/a",\n  "https://cxgraph.org/ontology#name": \n}\n',
        4,
        None,
        "not valid JSON-LD: Expecting value",
    ),
    "unparseable N-Triples": Bad(
        "bad.nt",
        f'<{EX}a> <https://cxgraph.org/ontology#name> "A" .\n<{EX}a> <{EX}p> oops .\n',
        2,
        None,
        "not valid N-Triples",
    ),
    "a literal of the wrong datatype": Bad(
        "pain.ttl",
        PREFIXES
        + f'<{EX}pp-slow> a cx:PainPoint ; cx:name "Slow" ; cx:severity "high" ;\n'
        + f"    cx:OCCURS_AT <{D}Touchpoint/tp-switch-compare-plans> .\n"
        + TP,
        f"{EX}pp-slow",
        "severity",
        "expected a literal of type xsd:integer (sh:datatype) (got 'high')",
    ),
    "an ill-typed literal": Bad(
        "pain.ttl",
        PREFIXES
        + f'<{EX}pp-slow> a cx:PainPoint ; cx:name "Slow" ; cx:severity "4.5"^^xsd:integer ;\n'
        + f"    cx:OCCURS_AT <{D}Touchpoint/tp-switch-compare-plans> .\n"
        + TP,
        f"{EX}pp-slow",
        "severity",
        "expected a literal of type xsd:integer (sh:datatype) (got '4.5')",
    ),
    "an unknown class": Bad(
        "widget.ttl",
        PREFIXES + f'<{EX}w> a cx:Widget ; cx:name "W" .\n',
        f"{EX}w",
        "type",
        "not a class of the cxgraph ontology (got 'cx:Widget')",
    ),
    "an unknown property for the class": Bad(
        "team.ttl",
        PREFIXES + f'<{EX}t> a cx:Team ; cx:name "T" ; cx:severity 3 .\n',
        f"{EX}t",
        "severity",
        "a Team has no severity; it has OWNS, PART_OF, PERFORMS, description, id, kind, name,",
    ),
    "a property outside the ontology": Bad(
        "team.ttl",
        PREFIXES + f'<{EX}t> a cx:Team ; cx:name "T" ; cx:colour "teal" .\n',
        f"{EX}t",
        "colour",
        "not a property of the cxgraph ontology",
    ),
    "a relationship to an untyped IRI": Bad(
        "person.ttl",
        PREFIXES + f'<{EX}p> a cx:Person ; cx:name "P" ; cx:MEMBER_OF <{EX}nowhere> .\n',
        f"{EX}p",
        "MEMBER_OF",
        f"expected a node typed cx:Team (sh:class) (got '{EX}nowhere')",
    ),
    "a missing required property (SHACL)": Bad(
        "team.ttl",
        PREFIXES + f'<{EX}t> a cx:Team ; cx:kind "team" .\n',
        f"{EX}t",
        "name",
        "a value is required (sh:minCount 1)",
    ),
    "an enum violation (SHACL)": Bad(
        "team.ttl",
        PREFIXES + f'<{EX}t> a cx:Team ; cx:name "T" ; cx:kind "squad" .\n',
        f"{EX}t",
        "kind",
        "expected one of division, department, team (sh:in) (got 'squad')",
    ),
    "a person in no team (SHACL, ORG terms)": Bad(
        "people.ttl",
        PREFIXES + f'<{EX}solo> a foaf:Person ; foaf:name "Solo" .\n',
        f"{EX}solo",
        "MEMBER_OF",
        "a value is required (sh:minCount 1)",
    ),
    "an ORG property the node cannot have": Bad(
        "units.ttl",
        PREFIXES
        + f'<{EX}u> a org:OrganizationalUnit ; foaf:name "U" ; org:memberOf <{EX}kestrel> .\n'
        + f"<{EX}kestrel> a org:FormalOrganization .\n",
        f"{EX}u",
        "org:memberOf",
        "org:memberOf on a Team: a Team has no MEMBER_OF",
    ),
    "an id of the wrong datatype (SHACL)": Bad(
        "team.ttl",
        PREFIXES + f'<{EX}t> a cx:Team ; cx:id 42 ; cx:name "T" .\n',
        f"{EX}t",
        "id",
        "expected a literal of type xsd:string (sh:datatype) (got '42')",
    ),
    "an incomplete org:Membership": Bad(
        "memberships.ttl",
        PREFIXES
        + f"<{EX}m1> a org:Membership ; org:member <{EX}solo> .\n"
        + f'<{EX}solo> a foaf:Person ; foaf:name "Solo" ; org:memberOf <{D}Team/team-web> .\n'
        + f"<{D}Team/team-web> a org:OrganizationalUnit .\n",
        f"{EX}m1",
        "organization",
        "an org:Membership needs an org:member and an org:organization",
    ),
    "a sub-unit of an untyped unit": Bad(
        "units.ttl",
        PREFIXES
        + f'<{EX}u> a org:OrganizationalUnit ; foaf:name "U" ; org:hasSubOrganization <{EX}v> .\n'
        + f'<{EX}v> foaf:name "V" .\n',
        f"{EX}v",
        "org:hasSubOrganization",
        "org:hasSubOrganization makes this node the start of a PART_OF, but it has no class",
    ),
    "a stage in no journey (SHACL, inverse path)": Bad(
        "stage.ttl",
        PREFIXES + f'<{EX}st-lost> a cx:Stage ; cx:name "Lost" ; cx:order 1 .\n',
        f"{EX}st-lost",
        "^HAS_STAGE",
        "no cx:Journey has HAS_STAGE to this node; one is required (sh:minCount)",
    ),
    "feedback about a touchpoint and via a channel (SHACL, sh:xone)": Bad(
        "feedback.ttl",
        PREFIXES
        + f'<{EX}fb-1> a cx:Feedback ; cx:kind "survey" ; cx:date "2026-01-01"^^xsd:date ;\n'
        + f"    cx:ABOUT <{D}Touchpoint/tp-switch-compare-plans> ; cx:VIA <{D}Channel/ch-web> .\n"
        + TP
        + f"<{D}Channel/ch-web> a cx:Channel .\n",
        f"{EX}fb-1",
        "VIA",
        f"expected exactly one of ABOUT or VIA (sh:xone) (got '{D}Channel/ch-web')",
    ),
    "feedback about nothing (SHACL, sh:xone)": Bad(
        "feedback.ttl",
        PREFIXES
        + f'<{EX}fb-1> a cx:Feedback ; cx:kind "survey" ; cx:date "2026-01-01"^^xsd:date .\n',
        f"{EX}fb-1",
        "ABOUT",
        "expected exactly one of ABOUT or VIA (sh:xone)",
    ),
    "two classes": Bad(
        "both.ttl",
        PREFIXES + f'<{EX}x> a cx:Team, cx:Person ; cx:name "X" .\n',
        f"{EX}x",
        "type",
        "typed as more than one cxgraph class: Person, Team",
    ),
    "a reference to a node that is nowhere (pipeline)": Bad(
        "person.ttl",
        PREFIXES
        + f'<{EX}p> a cx:Person ; cx:name "P" ; cx:MEMBER_OF <{D}Team/team-gone> .\n'
        + f"<{D}Team/team-gone> a cx:Team .\n",
        f"{EX}p",
        "MEMBER_OF",
        "no Team has this id (got 'team-gone')",
    ),
    "binary garbage": Bad(
        "logo.ttl",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        1,
        None,
        "not UTF-8 text: byte 0 cannot be decoded",
    ),
    "an empty file": Bad("empty.ttl", "", 1, None, "the file is empty; expected RDF triples"),
    "no triples": Bad("comments.ttl", "# nothing yet\n", 1, None, "the file holds no triples"),
    "no nodes": Bad(
        "other.ttl",
        f'<{EX}x> <http://purl.org/dc/terms/title> "Not cxgraph" .\n',
        1,
        None,
        "no node: nothing is typed with a cxgraph class or a W3C ORG class",
    ),
    "an unknown suffix": Bad(
        "chart.rdf", "<rdf:RDF/>", 1, None, "unknown RDF file suffix; use one of .ttl"
    ),
    "a remote JSON-LD context": Bad(
        "remote.jsonld",
        '{"@context": "https://schema.org/", "@id": "https://example.org/a"}',
        "?",
        "@context",
        "remote JSON-LD contexts are not fetched",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
async def test_a_bad_file_is_refused_where_it_is_wrong_and_changes_nothing(
    case: str, preloaded: Preloaded, tmp_path: Path
) -> None:
    bad = BAD[case]
    path = write(tmp_path / bad.name, bad.content)

    with pytest.raises(LoadFailed) as failed:
        await load(preloaded.store, [Source("rdf", path)])

    assert [p.origin for p in failed.value.problems] == [Origin(str(path), bad.line, bad.field)]
    assert bad.message in str(failed.value.problems[0]), failed.value.problems
    after = preloaded.work / "after.jsonl"
    await export_json(preloaded.store, after)
    assert after.read_bytes() == preloaded.export


def test_the_battery_covers_every_kind_of_refusal() -> None:
    assert len(BAD) >= 8
    assert {Path(b.name).suffix for b in BAD.values()} >= {".ttl", ".jsonld", ".nt"}
    assert {b.field for b in BAD.values()} >= {None, "type", "name", "kind", "MEMBER_OF"}
