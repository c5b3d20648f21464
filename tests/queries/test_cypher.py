"""Every Cypher string of cxgraph lints clean as Neo4j 5 and runs on the embedded engine."""

from __future__ import annotations

import re

from ontology.model import load_schema
from queries.ddl import NEO4J_LIST_CONSTRAINTS, falkordb_indexes, neo4j_statements
from queries.falkor import FalkorStore
from queries.lint import LintSchema, lint_queries
from queries.listing import count_query, every_clause, list_query
from queries.registry import CYPHER_DIR, all_queries


def ontology_lint_schema() -> LintSchema:
    schema = load_schema()
    return LintSchema(
        labels=schema.labels,
        relationship_types=schema.types,
        property_keys=schema.property_keys,
    )


def project_cypher() -> dict[str, str]:
    """Every Cypher string cxgraph sends: named queries and the DDL of both engines."""
    schema = load_schema()
    texts = {name: q.text for name, q in all_queries().items()}
    texts |= {f"ddl/neo4j/{i}": ddl for i, ddl in enumerate(neo4j_statements(schema))}
    texts["ddl/neo4j/constraints"] = NEO4J_LIST_CONSTRAINTS
    for i, listing in enumerate(every_clause()):
        texts[f"listing/{i}/{listing.label}"] = list_query(listing).text
        texts[f"count/{i}/{listing.label}"] = count_query(listing).text
    texts |= {f"ddl/falkordb/{label}": ddl for label, ddl in falkordb_indexes(schema).items()}
    return texts


def test_every_query_lints_clean_as_neo4j_5() -> None:
    problems = lint_queries(project_cypher(), ontology_lint_schema())
    assert [str(p) for p in problems] == []


def test_the_lint_schema_catches_a_label_outside_the_ontology() -> None:
    # The same check as above, shown to bite on a query using a label the ontology lacks.
    problems = lint_queries(
        {"bad": "UNWIND $rows AS row MERGE (n:Department {id: row.id})"}, ontology_lint_schema()
    )
    assert any("Department" in p.message for p in problems)


async def test_every_query_is_accepted_by_the_embedded_engine(empty_store: FalkorStore) -> None:
    for name, text in project_cypher().items():
        if name.startswith("ddl/"):
            continue  # run for real by apply_schema in every store fixture
        params: dict[str, object] = {p: [] for p in re.findall(r"\$(\w+)", text)}
        params |= {key: 1 for key in ("limit", "skip") if key in params}
        assert await empty_store.explain(text, params), name


def test_named_query_files_have_a_header_and_use_parameters_only() -> None:
    for query in all_queries().values():
        if query.path is None:
            continue
        assert query.path.is_relative_to(CYPHER_DIR)
        assert "Parameters:" in query.doc, query.name
        assert "Returns" in query.doc, query.name
        # values come in as parameters: no string literal that looks like an id
        assert not re.search(r"'(pp|tp|team|proc|sys|j|st)-[\w.-]+'", query.text), query.name
