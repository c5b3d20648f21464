"""Constraints and indexes that the ontology asks for, per engine.

Every label has a unique `id`: the key that loaders MERGE on and lookups use.
"""

from __future__ import annotations

from ontology.model import Schema

NEO4J_LIST_CONSTRAINTS = "SHOW CONSTRAINTS YIELD name RETURN name"
"""Names of the constraints that exist on Neo4j (each DDL statement names its constraint)."""


def neo4j_statements(schema: Schema) -> list[str]:
    """Neo4j 5 DDL; `IF NOT EXISTS` makes each statement idempotent."""
    return [
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        for label in sorted(schema.labels)
    ]


def falkordb_indexes(schema: Schema) -> dict[str, str]:
    """FalkorDB DDL by label: a range index on `id`, which its unique constraint needs."""
    return {label: f"CREATE INDEX FOR (n:{label}) ON (n.id)" for label in sorted(schema.labels)}
