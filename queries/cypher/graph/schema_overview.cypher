// Schema overview from the data: every node label with its number of nodes, and the
// relationship types leaving and entering its nodes with the label at the other end and
// how many relationships there are. (A node's first label counts.) It reads every node and
// relationship: seconds on a large graph.
//
// Parameters: none
//
// Returns (ordered by label):
//   label     string     node label
//   nodes     integer    number of nodes with that label
//   outgoing  list<map>  {type, target, count}: relationships from nodes of the label, by
//                        type then target label
//   incoming  list<map>  {type, source, count}: relationships to nodes of the label, by type
//                        then source label
// (Nodes and relationships are counted on rows of their own, so that neither count is
// carried along the other's scan.)
UNWIND ['nodes', 'relationships'] AS kind
OPTIONAL MATCH (n)
WHERE kind = 'nodes'
OPTIONAL MATCH (a)-[r]->(b)
WHERE kind = 'relationships'
WITH kind, labels(n)[0] AS label, labels(a)[0] AS source, type(r) AS type,
     labels(b)[0] AS target, count(*) AS count
ORDER BY type, source, target
WITH collect(CASE WHEN label IS NOT NULL OR type IS NOT NULL
                  THEN {kind: kind, label: label, source: source, type: type, target: target,
                        count: count} END) AS counted
UNWIND [x IN counted WHERE x.kind = 'nodes'] AS node
RETURN node.label AS label, node.count AS nodes,
       [x IN counted WHERE x.kind = 'relationships' AND x.source = node.label |
        {type: x.type, target: x.target, count: x.count}] AS outgoing,
       [x IN counted WHERE x.kind = 'relationships' AND x.target = node.label |
        {type: x.type, source: x.source, count: x.count}] AS incoming
ORDER BY label
