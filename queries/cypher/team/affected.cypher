// Which pain points each team of $ids affects, and how: the reverse view of
// painpoint/affecting_teams, for the team and every unit below it. A unit is involved in a
// pain point as owner of the touchpoint it occurs at, as owner or performer of a process
// supporting that touchpoint (or of a parent of such a process), or as owner of a system
// those processes use or that supports the touchpoint directly.
// One row per way a unit is involved (several supporting processes leading to the same
// involvement give one row).
//
// Parameters:
//   $ids  list<string>  team ids, e.g. ["team-network-ops"]
//
// Returns (ordered by team, pain point, touchpoint, layer from the customer inwards, unit,
// role, via):
//   team        string   the team id the row answers for
//   unit        map      {id, name, kind} of the team involved: the team itself or a unit below it
//   role        string   touchpoint_owner | process_owner | process_performer | system_owner
//   layer       string   customer (the touchpoint) | frontstage | backstage | support (a
//                        process) | system
//   via         map      {id, name, label} of the element the unit is involved through
//   painPoint   map      {id, name, severity, category} of the pain point
//   touchpoint  map      {id, name, momentOfTruth} where the pain point occurs (momentOfTruth
//                        false when not set)
//   journey     map      {id, name} of the journey of that touchpoint, null if none
//   customers   integer  distinct customers whose feedback evidences the pain point
UNWIND $ids AS teamId
MATCH (team:Team {id: teamId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH team
MATCH (unit:Team)-[:PART_OF*0..]->(team)
// each way of being involved on rows of its own (collecting each way into a list carried
// through the next ones is slow for a large division: FalkorDB copies lists on every row)
UNWIND ['touchpoint', 'process', 'used_system', 'direct_system'] AS way
OPTIONAL MATCH (unit)-[:OWNS]->(owned:Touchpoint)
WHERE way = 'touchpoint'
OPTIONAL MATCH (unit)-[r:OWNS|PERFORMS]->(process:Process)<-[:PART_OF*0..]-(:Process)
               -[:SUPPORTS]->(supported:Touchpoint)
WHERE way = 'process'
OPTIONAL MATCH (unit)-[:OWNS]->(used:System)<-[:USES]-(:Process)-[:SUPPORTS]->(usedAt:Touchpoint)
WHERE way = 'used_system'
OPTIONAL MATCH (unit)-[:OWNS]->(direct:System)-[:SUPPORTS]->(directAt:Touchpoint)
WHERE way = 'direct_system'
WITH team, unit, coalesce(owned, supported, usedAt, directAt) AS tp,
     CASE way
       WHEN 'touchpoint' THEN 'touchpoint_owner'
       WHEN 'process' THEN CASE type(r) WHEN 'OWNS' THEN 'process_owner' ELSE 'process_performer' END
       ELSE 'system_owner'
     END AS role,
     CASE way WHEN 'touchpoint' THEN 'customer' WHEN 'process' THEN process.layer ELSE 'system' END
     AS layer,
     coalesce(process, used, direct, owned) AS element,
     CASE way WHEN 'touchpoint' THEN 'Touchpoint' WHEN 'process' THEN 'Process' ELSE 'System' END
     AS label
WHERE tp IS NOT NULL
WITH DISTINCT team, unit, tp, role, layer,
     {id: element.id, name: element.name, label: label} AS via
MATCH (tp)<-[:OCCURS_AT]-(pp:PainPoint)
OPTIONAL MATCH (tp)<-[:HAS_TOUCHPOINT]-(:Stage)<-[:HAS_STAGE]-(journey:Journey)
OPTIONAL MATCH (pp)<-[:EVIDENCES]-(:Feedback)-[:GIVEN_BY]->(customer:Customer)
WITH team, unit, role, layer, via, tp, pp, journey, count(DISTINCT customer) AS customers
RETURN team.id AS team, unit {.id, .name, .kind} AS unit, role, layer, via,
       pp {.id, .name, .severity, .category} AS painPoint,
       {id: tp.id, name: tp.name, momentOfTruth: coalesce(tp.momentOfTruth, false)} AS touchpoint,
       CASE WHEN journey IS NOT NULL THEN journey {.id, .name} END AS journey, customers
ORDER BY team, painPoint.id, touchpoint.id, CASE layer
           WHEN 'customer' THEN 0 WHEN 'frontstage' THEN 1 WHEN 'backstage' THEN 2
           WHEN 'support' THEN 3 ELSE 4
         END, unit.id, role, via.id
