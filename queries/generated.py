"""Write queries generated from the ontology: one upsert per label and per endpoint triple.

Labels and relationship types are interpolated here, and only here, and only from the
ontology's schema model; every value travels as a parameter.
"""

from __future__ import annotations

from ontology.model import Schema


def upsert_node_name(label: str) -> str:
    """Registry name of the upsert query for nodes of `label`."""
    return f"upsert/node/{label}"


def upsert_relationship_name(source: str, rel_type: str, target: str) -> str:
    """Registry name of the upsert query for `(source)-[rel_type]->(target)`."""
    return f"upsert/rel/{source}-{rel_type}-{target}"


def nodes_by_ids_name(label: str) -> str:
    """Registry name of the query returning the nodes of `label` with the given `$ids`.

    Rows are `{node}` maps of all properties, in no particular order; missing ids give no row.
    """
    return f"nodes/{label}"


def sample_ids_name(label: str) -> str:
    """Registry name of the query returning the first `$limit` ids of `label`, in id order."""
    return f"sample/{label}"


def generated_queries(schema: Schema) -> dict[str, str]:
    """Every generated query text by registry name.

    Node rows are `{id, props}`; relationship rows are `{from, to, props}`. `SET += props`
    leaves properties that a row does not mention untouched, so re-running a load with the
    same rows changes nothing.
    """
    queries = {
        upsert_node_name(label): (
            f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props"
        )
        for label in sorted(schema.labels)
    }
    for label in sorted(schema.labels):
        queries[nodes_by_ids_name(label)] = (
            f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) RETURN n {{.*}} AS node"
        )
        queries[sample_ids_name(label)] = (
            f"MATCH (n:{label}) RETURN n.id AS id ORDER BY id LIMIT $limit"
        )
    for source, rel_type, target in sorted(schema.endpoints()):
        queries[upsert_relationship_name(source, rel_type, target)] = (
            f"UNWIND $rows AS row MATCH (a:{source} {{id: row.from}}) "
            f"MATCH (b:{target} {{id: row.to}}) "
            f"MERGE (a)-[r:{rel_type}]->(b) SET r += row.props"
        )
    return queries
