"""The ontology and the code agree, both ways.

Code → ontology: every label, relationship type and property that readers write or the
demo graph holds is in the ontology (Cypher files are checked by the lint in
tests/queries/test_cypher.py). Ontology → code: every property can be loaded from some
source, and every relationship the ontology allows is produced by loading the demo company.
"""

from __future__ import annotations

from loaders.journeys import _FIELDS as JOURNEY_FIELDS
from loaders.tables import TABLES
from ontology.model import load_schema
from queries.store import GraphStore

# Properties the pipeline writes itself rather than reading them from a source.
DERIVED = {("Stage", "order"), ("Touchpoint", "order"), ("Measurement", "id")} | {
    ("LoadRun", p) for p in load_schema().node_types["LoadRun"].properties
}
# ... and what the store writes while a load runs in steps (queries/journal.py)
BOOKKEEPING = {
    (label, p)
    for label, nt in load_schema().node_types.items()
    if nt.bookkeeping
    for p in nt.properties
}


def loadable_properties() -> set[tuple[str, str]]:
    found = {(spec.label, prop) for spec in TABLES.values() for prop in spec.properties.values()}
    found |= {(label, prop) for label, fields in JOURNEY_FIELDS.items() for prop in fields.values()}
    return found


def test_readers_write_only_ontology_terms() -> None:
    schema = load_schema()
    for label, prop in loadable_properties():
        assert prop in schema.node_types[label].properties, (label, prop)
    for spec in TABLES.values():
        for column, link in spec.links.items():
            ends = (link.other, spec.label) if link.incoming else (spec.label, link.other)
            assert schema.relationship_types[link.type].connects(*ends), (spec.kind, column)


def test_every_ontology_property_can_be_loaded() -> None:
    schema = load_schema()
    wanted = {(label, p) for label, nt in schema.node_types.items() for p in nt.properties}
    assert wanted - loadable_properties() - DERIVED - BOOKKEEPING == set()


async def test_demo_graph_uses_exactly_the_ontology(demo_store: GraphStore) -> None:
    schema = load_schema()
    triples = {
        (r["source"], r["type"], r["target"])
        for r in await demo_store.read("graph/relationship_counts")
    }
    assert triples == set(schema.endpoints())
    keys = await demo_store.read("graph/property_keys")
    for row in keys:
        allowed = (
            schema.node_types[row["label"]].properties.keys() | schema.provenance_properties.keys()
        )
        assert row["key"] in allowed, row
    # every node written by a load (all but the load runs themselves) records its provenance
    counts: dict[str, dict[str, int]] = {}
    for row in keys:
        counts.setdefault(row["label"], {})[row["key"]] = row["nodes"]
    del counts["LoadRun"]
    assert len(counts) == len(schema.data_labels) - 1
    for label, by_key in counts.items():
        assert by_key["source"] == by_key["id"], label
        assert by_key["loadRun"] == by_key["id"], label
