// The shortest paths between the node with id $from and the node with id $to (ids are
// looked up in every label), following each relationship in either direction, up to 6
// relationships long. Only the relationships of the blueprint and the organisation are
// followed: OWNS, PERFORMS, PART_OF, SUPPORTS, USES, DEPENDS_ON, HANDS_OFF_TO, OCCURS_AT,
// HAS_TOUCHPOINT, HAS_STAGE, NEXT, FOR_PERSONA, ADDRESSES, LEADS and MEMBER_OF; not the
// customer side (feedback, customers, segments, measurements), channels or reporting
// lines, whose hubs would multiply the paths to enumerate. No rows when there is no such
// path.
// FalkorDB has no shortestPath in MATCH and a length bound cannot be a parameter, so the
// bound 6 is reached by meeting in the middle, 3 relationships from each end: first the
// nodes 0 to 3 relationships away from each end, level by level (distinct nodes, no paths),
// give the shortest length and the nodes in the middle of the shortest paths (node
// ceil(length/2) from $from); then the paths of up to 3 relationships from each end are
// enumerated and joined at those middle nodes, where each shortest path is found once.
// Ends with very many relationships within 3 steps (a core system of a large company) make
// the second step slow: this is an analyst's query, bounded by the query timeout.
//
// Parameters:
//   $from   string   id of the start node, e.g. "team-field-scheduling"
//   $to     string   id of the end node, e.g. "pp-bb-no-show"; another node than $from
//   $limit  integer  most paths to return, e.g. 10
//
// Returns one row per shortest path (all of the same length; ordered by the ids, types and
// directions along the path):
//   length         integer    number of relationships
//   nodes          list<map>  {id, name, label} from $from to $to
//   relationships  list<map>  {type, direction} of each step from $from: out when the
//                             relationship points from the node before it to the node after
//                             it, in otherwise
MATCH (a)
WHERE a.id = $from
MATCH (b)
WHERE b.id = $to AND b <> a
// 1. the levels: step 0-3 from $from, 4-7 as 0-3 from $to, each on rows of its own; a
// node's distance is the first step that reaches it. (Steps use ranges from 1: on FalkorDB
// an unnamed pattern of exact length 3 or more, such as *3, returns what *2 returns.)
UNWIND range(0, 7) AS step
OPTIONAL MATCH (a)-[:OWNS|PERFORMS|PART_OF|SUPPORTS|USES|DEPENDS_ON|HANDS_OFF_TO|OCCURS_AT|
                   HAS_TOUCHPOINT|HAS_STAGE|NEXT|FOR_PERSONA|ADDRESSES|LEADS|MEMBER_OF*1]-(a1)
WHERE step = 1
OPTIONAL MATCH (a)-[:OWNS|PERFORMS|PART_OF|SUPPORTS|USES|DEPENDS_ON|HANDS_OFF_TO|OCCURS_AT|
                   HAS_TOUCHPOINT|HAS_STAGE|NEXT|FOR_PERSONA|ADDRESSES|LEADS|MEMBER_OF*1..2]-(a2)
WHERE step = 2
OPTIONAL MATCH (a)-[:OWNS|PERFORMS|PART_OF|SUPPORTS|USES|DEPENDS_ON|HANDS_OFF_TO|OCCURS_AT|
                   HAS_TOUCHPOINT|HAS_STAGE|NEXT|FOR_PERSONA|ADDRESSES|LEADS|MEMBER_OF*1..3]-(a3)
WHERE step = 3
OPTIONAL MATCH (b)-[:OWNS|PERFORMS|PART_OF|SUPPORTS|USES|DEPENDS_ON|HANDS_OFF_TO|OCCURS_AT|
                   HAS_TOUCHPOINT|HAS_STAGE|NEXT|FOR_PERSONA|ADDRESSES|LEADS|MEMBER_OF*1]-(b1)
WHERE step = 5
OPTIONAL MATCH (b)-[:OWNS|PERFORMS|PART_OF|SUPPORTS|USES|DEPENDS_ON|HANDS_OFF_TO|OCCURS_AT|
                   HAS_TOUCHPOINT|HAS_STAGE|NEXT|FOR_PERSONA|ADDRESSES|LEADS|MEMBER_OF*1..2]-(b2)
WHERE step = 6
OPTIONAL MATCH (b)-[:OWNS|PERFORMS|PART_OF|SUPPORTS|USES|DEPENDS_ON|HANDS_OFF_TO|OCCURS_AT|
                   HAS_TOUCHPOINT|HAS_STAGE|NEXT|FOR_PERSONA|ADDRESSES|LEADS|MEMBER_OF*1..3]-(b3)
WHERE step = 7
WITH a, b, step,
     CASE step WHEN 0 THEN a WHEN 1 THEN a1 WHEN 2 THEN a2 WHEN 3 THEN a3
               WHEN 4 THEN b WHEN 5 THEN b1 WHEN 6 THEN b2 ELSE b3 END AS mid
WHERE mid IS NOT NULL
WITH a, b, mid, min(CASE WHEN step < 4 THEN step END) AS toMid,
     min(CASE WHEN step >= 4 THEN step - 4 END) AS fromMid
WHERE toMid IS NOT NULL AND fromMid IS NOT NULL
WITH a, b, mid, toMid, fromMid, toMid + fromMid AS total
ORDER BY total
WITH a, b, collect({mid: mid, toMid: toMid, total: total}) AS meetings, min(total) AS shortest
WITH a, b, shortest, (shortest + 1) / 2 AS half,
     [m IN meetings WHERE m.total = shortest AND m.toMid = (shortest + 1) / 2 | m.mid] AS middles
// 2. the shortest paths, joined at their middle node
MATCH left = (a)-[:OWNS|PERFORMS|PART_OF|SUPPORTS|USES|DEPENDS_ON|HANDS_OFF_TO|OCCURS_AT|
                  HAS_TOUCHPOINT|HAS_STAGE|NEXT|FOR_PERSONA|ADDRESSES|LEADS|MEMBER_OF*0..3]-(mid)
WHERE mid IN middles AND length(left) = half
WITH b, shortest, half, middles, mid, collect(left) AS lefts
WITH b, shortest, half, collect(mid) AS mids, collect(lefts) AS leftLists
MATCH right = (b)-[:OWNS|PERFORMS|PART_OF|SUPPORTS|USES|DEPENDS_ON|HANDS_OFF_TO|OCCURS_AT|
                  HAS_TOUCHPOINT|HAS_STAGE|NEXT|FOR_PERSONA|ADDRESSES|LEADS|MEMBER_OF*0..3]-(mid)
WHERE mid IN mids AND length(right) = shortest - half
WITH shortest, right, leftLists[head([i IN range(0, size(mids) - 1) WHERE mids[i] = mid])] AS lefts
UNWIND lefts AS left
WITH shortest, nodes(left) + reverse(nodes(right))[1..] AS steps,
     relationships(left) + reverse(relationships(right)) AS rels
WITH shortest, [n IN steps | {id: n.id, name: n.name, label: labels(n)[0]}] AS nodes,
     [i IN range(0, shortest - 1) |
      {type: type(rels[i]),
       direction: CASE WHEN startNode(rels[i]) = steps[i] THEN 'out' ELSE 'in' END}]
     AS relationships
WITH shortest, nodes, relationships,
     reduce(key = '', i IN range(0, shortest - 1) |
            key + nodes[i].id + ' ' + relationships[i].type + ' ' + relationships[i].direction
            + ' ') + last(nodes).id AS key
RETURN shortest AS length, nodes, relationships
ORDER BY key
LIMIT $limit
