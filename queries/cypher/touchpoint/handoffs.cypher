// Who works behind each touchpoint of $ids: one row per process supporting it directly,
// with the teams owning (accountable) and performing (responsible) it, and the processes it
// hands work off to. Several teams across the rows make the touchpoint a hand-off
// (see handoffs/list).
//
// Parameters:
//   $ids  list<string>  touchpoint ids, e.g. ["tp-switch-port-request"]
//
// Returns (ordered by touchpoint, process code, process id):
//   touchpoint  string     the touchpoint id the row answers for
//   process     map        {id, name, code, layer} of a supporting process
//   owners      list<map>  {id, name} of the teams owning the process, by id
//   performers  list<map>  {id, name} of the teams performing it, by id
//   handsOffTo  list<map>  {id, name, supportsTouchpoint} of the processes it hands off to,
//                          by id; supportsTouchpoint is true when that process also
//                          supports this touchpoint
UNWIND $ids AS touchpointId
MATCH (tp:Touchpoint {id: touchpointId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH tp
MATCH (tp)<-[:SUPPORTS]-(process:Process)
OPTIONAL MATCH (process)<-[:OWNS]-(owner:Team)
WITH tp, process, owner
ORDER BY owner.id
WITH tp, process, collect(CASE WHEN owner IS NOT NULL THEN owner {.id, .name} END) AS owners
OPTIONAL MATCH (process)<-[:PERFORMS]-(performer:Team)
WITH tp, process, owners, performer
ORDER BY performer.id
WITH tp, process, owners,
     collect(CASE WHEN performer IS NOT NULL THEN performer {.id, .name} END) AS performers
OPTIONAL MATCH (process)-[:HANDS_OFF_TO]->(next:Process)
OPTIONAL MATCH (next)-[same:SUPPORTS]->(tp)
WITH tp, process, owners, performers, next, same
ORDER BY next.id
WITH tp, process, owners, performers,
     collect(CASE WHEN next IS NOT NULL
                  THEN {id: next.id, name: next.name, supportsTouchpoint: same IS NOT NULL}
             END) AS handsOffTo
RETURN tp.id AS touchpoint, process {.id, .name, .code, .layer} AS process, owners, performers,
       handsOffTo
ORDER BY touchpoint, process.code, process.id
