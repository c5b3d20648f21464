"""Queries generated from the ontology: per label and per (source, type, target) triple.

Labels and relationship types are interpolated here, and only here, and only from the
ontology's schema model; every value travels as a parameter. Names are `<verb>/node/<Label>`
and `<verb>/rel/<Source>-<TYPE>-<Target>`.
"""

from __future__ import annotations

from ontology.model import NodeType, Schema

NODE_QUERIES = {
    # rows [{id, source, props}]: create or update; `source` is kept from the first writer
    "upsert": "UNWIND $rows AS row MERGE (n:{L} {{id: row.id}}) "
    "ON CREATE SET n.source = row.source SET n += row.props",
    # the nodes with these $ids, all properties; missing ids give no row
    "get": "UNWIND $ids AS id MATCH (n:{L} {{id: id}}) RETURN n {{.*}} AS node",
    # how many nodes there are
    "count": "MATCH (n:{L}) RETURN count(n) AS count",
    # every node, in id order
    "all": "MATCH (n:{L}) RETURN n {{.*}} AS node ORDER BY n.id",
    # the first $limit ids in id order
    "sample": "MATCH (n:{L}) RETURN n.id AS id ORDER BY id LIMIT $limit",
    # ids of the nodes that $source created
    "owned": "MATCH (n:{L}) WHERE n.source = $source RETURN n.id AS id",
    # delete the nodes with these $ids and their relationships
    "delete": "UNWIND $ids AS id MATCH (n:{L} {{id: id}}) DETACH DELETE n",
    # delete the nodes with these $ids that load run $loadRun created (undoing its create)
    "discard": "UNWIND $ids AS id MATCH (n:{L} {{id: id}}) WHERE n.loadRun = $loadRun "
    "DETACH DELETE n",
    # put back nodes as they were: rows [{id, props}], props being all their properties
    "restore": "UNWIND $rows AS row MERGE (n:{L} {{id: row.id}}) SET n = row.props",
    # every relationship of the nodes with these $ids, either way: rows {source, from, type,
    # target, to, props} (a relationship between two of them comes once from each)
    "links": "UNWIND $ids AS id MATCH (n:{L} {{id: id}})-[r]-() "
    "WITH startNode(r) AS a, r, endNode(r) AS b "
    "RETURN labels(a)[0] AS source, a.id AS from, type(r) AS type, labels(b)[0] AS target, "
    "b.id AS to, r {{.*}} AS props",
}
REL_QUERIES = {
    # rows [{from, to, source, props}]; returns how many rows found both ends
    "upsert": "UNWIND $rows AS row MATCH (a:{S} {{id: row.from}}) MATCH (b:{D} {{id: row.to}}) "
    "MERGE (a)-[r:{T}]->(b) ON CREATE SET r.source = row.source SET r += row.props "
    "RETURN count(*) AS matched",
    # which of the rows [{from, to}] exist, with their properties
    "get": "UNWIND $rows AS row MATCH (a:{S} {{id: row.from}})-[r:{T}]->(b:{D} {{id: row.to}}) "
    "RETURN row.from AS from, row.to AS to, r {{.*}} AS props",
    # every relationship, ordered by its ends
    "all": "MATCH (a:{S})-[r:{T}]->(b:{D}) RETURN a.id AS from, b.id AS to, r {{.*}} AS props "
    "ORDER BY from, to",
    # how many of the different rows [[from id, to id]] exist: one row {found}
    "found": "UNWIND $rows AS row MATCH (a:{S} {{id: row[0]}})-[:{T}]->(b:{D} {{id: row[1]}}) "
    "WITH DISTINCT row RETURN count(row) AS found",
    # which of the rows [[from id, to id]] exist: rows {from, to}
    "existing": "UNWIND $rows AS row MATCH (a:{S} {{id: row[0]}})-[:{T}]->(b:{D} {{id: row[1]}}) "
    "RETURN row[0] AS from, row[1] AS to",
    # the relationships that $source created
    "owned": "MATCH (a:{S})-[r:{T}]->(b:{D}) WHERE r.source = $source "
    "RETURN a.id AS from, b.id AS to",
    # for single-valued relationships: the ones from each row's `from` to another node
    "others": "UNWIND $rows AS row MATCH (a:{S} {{id: row.from}})-[r:{T}]->(b:{D}) "
    "WHERE b.id <> row.to RETURN row.from AS from, b.id AS to, r {{.*}} AS props",
    # ... and deleting them, before the row's relationship is created
    "replace": "UNWIND $rows AS row MATCH (a:{S} {{id: row.from}})-[r:{T}]->(b:{D}) "
    "WHERE b.id <> row.to DELETE r",
    # delete the relationships of the rows [{from, to}] that load run $loadRun created
    "discard": "UNWIND $rows AS row "
    "MATCH (a:{S} {{id: row.from}})-[r:{T}]->(b:{D} {{id: row.to}}) WHERE r.loadRun = $loadRun "
    "DELETE r",
    # put back relationships as they were: rows [{from, to, props}], props being all of theirs
    "restore": "UNWIND $rows AS row MATCH (a:{S} {{id: row.from}}) MATCH (b:{D} {{id: row.to}}) "
    "MERGE (a)-[r:{T}]->(b) SET r = row.props",
    # delete the relationships of the rows [{from, to}]
    "delete": "UNWIND $rows AS row MATCH (a:{S} {{id: row.from}})-[r:{T}]->(b:{D} {{id: row.to}}) "
    "DELETE r",
}


NODE_CREATE = (
    # rows [[id, value of each create_columns(label) property, ...]]: nodes known to be new
    # (a load has compared them with the graph); a null value sets nothing. Rows are lists,
    # not maps, and provenance comes once per batch: the engine reads them fastest so.
    "UNWIND $rows AS row CREATE (n:{L} {{id: row[0], source: $source, loadRun: $loadRun{P}}})"
)
REL_CREATE = (
    # rows [[from id, to id]]: relationships known to be new, from $source in load $loadRun
    "UNWIND $rows AS row MATCH (a:{S} {{id: row[0]}}) MATCH (b:{D} {{id: row[1]}}) "
    "CREATE (a)-[:{T} {{source: $source, loadRun: $loadRun}}]->(b)"
)


JOURNALED = (
    # the write that follows, with the undo step that takes it back, in one transaction, and
    # only while $agent holds the lock of unit of work $unit (queries/journal.py); $step is
    # the step's id, $undo its writes as JSON. With the lock lost, nothing is written but the
    # first SET, which locks the lock node so that the check after it reads the latest
    # holder (see journal/take_over).
    "MATCH (u:UnitOfWork {{id: $lock}}) SET u.heartbeatAt = u.heartbeatAt "
    "WITH u WHERE u.loadRun = $unit AND u.agent = $agent "
    "MERGE (s:UndoStep {{id: $step}}) SET s.loadRun = $unit, s.undo = $undo "
    "WITH count(*) AS journaled WHERE journaled > 0 {Q}"
)
JOURNALED_VERBS = {
    "node": ("create", "upsert", "delete"),
    "rel": ("create", "upsert", "replace", "delete"),
}
"""The generated writes a unit of work in steps can undo, and so journal."""


def journaled_query(name: str) -> str:
    """Registry name of the generated write `name` with its undo step (JOURNALED)."""
    return f"journaled/{name}"


def create_columns(node_type: NodeType) -> tuple[str, ...]:
    """The properties of `node_type` that follow the id in a row of its create query, in
    row order."""
    return tuple(name for name in node_type.properties if name != "id")


NAV_QUERY = (
    # the neighbours of each node of $ids over one relationship, in `order` then id order:
    # rows {key, total, nodes} with nodes [$skip..$end] of each node's neighbours
    "UNWIND $ids AS key MATCH (a:{A} {{id: key}}){P}(b:{B}) "
    "WITH key, b ORDER BY {O}b.id "
    "WITH key, collect(b) AS found "
    "RETURN key, size(found) AS total, [x IN found[$skip..$end] | x {{.*}}] AS nodes"
)
ANY_QUERY = (
    # the nodes with these $ids whatever their label: rows {label, node}
    "UNWIND $ids AS id MATCH (n:{L} {{id: id}}) RETURN '{L}' AS label, n {{.*}} AS node"
)


def nav_query(direction: str, source: str, rel_type: str, target: str) -> str:
    """Registry name of the query from `source` nodes (`out`) or from `target` nodes (`in`)
    to their neighbours over `(source)-[rel_type]->(target)` (see NAV_QUERY)."""
    return f"nav/{direction}/{source}-{rel_type}-{target}"


ANY_NODE = "get/node/any"

# Changes made through the API, one query each (atomic on both engines). `$run` holds the
# properties of the LoadRun recording who made the change; `$source` is the provenance
# source of what the change creates.
CHANGE_OWNER = (
    # make team $team the only owner of the {L} $item: rows {item} (none: no such item/team)
    "MATCH (item:{L} {{id: $item}}) MATCH (team:Team {{id: $team}}) "
    "CREATE (run:LoadRun) SET run = $run "
    "WITH item, team "
    "OPTIONAL MATCH (item)<-[old:OWNS]-(other:Team) WHERE other.id <> $team "
    "DELETE old "
    "WITH DISTINCT item, team "
    "MERGE (team)-[r:OWNS]->(item) ON CREATE SET r.source = $source, r.loadRun = $run.id "
    "RETURN item.id AS item"
)
CHANGE_VERIFIED = (
    # set verifiedAt of the {L} $id to $date: rows {id} (none: no such item)
    "MATCH (n:{L} {{id: $id}}) "
    "CREATE (run:LoadRun) SET run = $run "
    "SET n.verifiedAt = $date, n.loadRun = $run.id "
    "RETURN n.id AS id"
)


def change_query(change: str, label: str) -> str:
    """Registry name of an API change generated per label: `owner` (for the targets of
    OWNS) or `verified` (for labels with verifiedAt)."""
    return f"change/{change}/{label}"


def node_query(verb: str, label: str) -> str:
    """Registry name of a generated query about nodes of `label` (see NODE_QUERIES)."""
    return f"{verb}/node/{label}"


def rel_query(verb: str, source: str, rel_type: str, target: str) -> str:
    """Registry name of a generated query about `(source)-[rel_type]->(target)`."""
    return f"{verb}/rel/{source}-{rel_type}-{target}"


def generated_queries(schema: Schema) -> dict[str, str]:
    """Every generated query text by registry name."""
    queries = {}
    for label in sorted(schema.labels):
        for verb, template in NODE_QUERIES.items():
            queries[node_query(verb, label)] = template.format(L=label)
        columns = create_columns(schema.node_types[label])
        queries[node_query("create", label)] = NODE_CREATE.format(
            L=label, P="".join(f", {name}: row[{i}]" for i, name in enumerate(columns, 1))
        )
    for source, rel_type, target in sorted(schema.endpoints()):
        for verb, template in [*REL_QUERIES.items(), ("create", REL_CREATE)]:
            queries[rel_query(verb, source, rel_type, target)] = template.format(
                S=source, T=rel_type, D=target
            )
        for direction, (start, pattern, end) in {
            "out": (source, f"-[:{rel_type}]->", target),
            "in": (target, f"<-[:{rel_type}]-", source),
        }.items():
            order = "b.order, " if "order" in schema.node_types[end].properties else ""
            queries[nav_query(direction, source, rel_type, target)] = NAV_QUERY.format(
                A=start, P=pattern, B=end, O=order
            )
    for name, text in list(queries.items()):
        verb, kind, _ = name.split("/", 2)
        if verb in JOURNALED_VERBS.get(kind, ()):
            queries[journaled_query(name)] = JOURNALED.format(Q=text)
    labels = sorted(schema.data_labels)
    for label in sorted(
        {target for _, rel_type, target in schema.endpoints() if rel_type == "OWNS"}
    ):
        queries[change_query("owner", label)] = CHANGE_OWNER.format(L=label)
    for label in labels:
        if "verifiedAt" in schema.node_types[label].properties:
            queries[change_query("verified", label)] = CHANGE_VERIFIED.format(L=label)
    queries[ANY_NODE] = " UNION ALL ".join(ANY_QUERY.format(L=label) for label in labels)
    return queries
