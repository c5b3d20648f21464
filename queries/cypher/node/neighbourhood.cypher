// The neighbourhood of the node with id $id (of any label): its relationships, one row each,
// with the neighbour at the other end. A node without relationships gives one row with a
// null type, direction and neighbour. The id is looked up in every label (a scan of all
// nodes, not an index): an analyst's exploration query, not a portal one.
//
// Parameters:
//   $id     string   id of the node, e.g. "sys-fsm"
//   $limit  integer  most rows to return, e.g. 100 (see degree for how many there are)
//
// Returns (ordered by type, direction, neighbour label, neighbour id):
//   node       map      {id, name, label} of the node (several rows when several labels
//                       use the id)
//   degree     integer  number of relationships of the node, in both directions
//   type       string   relationship type
//   direction  string   out (node-[type]->neighbour) | in (neighbour-[type]->node)
//   neighbour  map      {id, name, label} of the node at the other end
MATCH (n)
WHERE n.id = $id
OPTIONAL MATCH (n)-[any]-()
WITH n, count(any) AS degree
OPTIONAL MATCH (n)-[r]-(m)
RETURN {id: n.id, name: n.name, label: labels(n)[0]} AS node, degree, type(r) AS type,
       CASE WHEN r IS NULL THEN null WHEN startNode(r) = n THEN 'out' ELSE 'in' END
       AS direction,
       CASE WHEN m IS NOT NULL THEN {id: m.id, name: m.name, label: labels(m)[0]} END
       AS neighbour
ORDER BY node.label, type, direction, neighbour.label, neighbour.id
LIMIT $limit
