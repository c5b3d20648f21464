// Ownership gaps: touchpoints, processes and systems that no team is accountable for (no
// Team-OWNS relationship), with what hangs on them: the teams that perform an unowned
// process, the journeys the item is part of or behind, and the pain points there.
// A process is behind the touchpoints it or one of its sub-processes supports; a system is
// behind the touchpoints it supports and those of the processes using it.
//
// Parameters: none
//
// Returns (ordered by label: Touchpoint, Process, System; then id):
//   label       string     Touchpoint | Process | System
//   item        map        {id, name, verifiedAt} of the unowned item
//   layer       string     customer (a touchpoint) | frontstage | backstage | support (a
//                          process's layer) | system
//   performers  list<map>  {id, name} of the teams performing an unowned process, by id
//                          (responsible but not accountable); empty for the others
//   journeys    list<map>  {id, name} of the journeys of the touchpoint, or of the
//                          touchpoints the process or system is behind; by id
//   painPoints  integer    distinct pain points occurring at those touchpoints
OPTIONAL MATCH (tp:Touchpoint)
WHERE NOT (tp)<-[:OWNS]-(:Team)
WITH collect({label: 'Touchpoint', id: tp.id}) AS touchpoints
OPTIONAL MATCH (p:Process)
WHERE NOT (p)<-[:OWNS]-(:Team)
WITH touchpoints, collect({label: 'Process', id: p.id}) AS processes
OPTIONAL MATCH (s:System)
WHERE NOT (s)<-[:OWNS]-(:Team)
WITH touchpoints, processes, collect({label: 'System', id: s.id}) AS systems
UNWIND touchpoints + processes + systems AS gap
WITH gap
WHERE gap.id IS NOT NULL
OPTIONAL MATCH (tp:Touchpoint {id: gap.id})
WHERE gap.label = 'Touchpoint'
OPTIONAL MATCH (p:Process {id: gap.id})
WHERE gap.label = 'Process'
OPTIONAL MATCH (s:System {id: gap.id})
WHERE gap.label = 'System'
WITH gap, coalesce(tp, p, s) AS item, tp, p, s
OPTIONAL MATCH (p)<-[:PERFORMS]-(performer:Team)
WITH gap, item, tp, p, s, performer
ORDER BY performer.id
WITH gap, item, tp, p, s,
     collect(CASE WHEN performer IS NOT NULL THEN performer {.id, .name} END) AS performers
OPTIONAL MATCH (p)<-[:PART_OF*0..]-(:Process)-[:SUPPORTS]->(behindProcess:Touchpoint)
WITH gap, item, tp, s, performers, collect(behindProcess.id) AS viaProcess
OPTIONAL MATCH (s)-[:SUPPORTS]->(behindSystem:Touchpoint)
WITH gap, item, tp, s, performers, viaProcess, collect(behindSystem.id) AS viaSystem
OPTIONAL MATCH (s)<-[:USES]-(:Process)-[:SUPPORTS]->(behindUse:Touchpoint)
WITH gap, item, performers, CASE WHEN tp IS NULL THEN [] ELSE [tp.id] END AS self,
     viaProcess, viaSystem, collect(behindUse.id) AS viaUse
WITH gap, item, performers, self + viaProcess + viaSystem + viaUse AS touchpointIds
// (a list with one null keeps an item that is behind no touchpoint)
UNWIND CASE WHEN size(touchpointIds) = 0 THEN [null] ELSE touchpointIds END AS touchpointId
WITH DISTINCT gap, item, performers, touchpointId
OPTIONAL MATCH (behind:Touchpoint {id: touchpointId})
OPTIONAL MATCH (behind)<-[:HAS_TOUCHPOINT]-(:Stage)<-[:HAS_STAGE]-(journey:Journey)
OPTIONAL MATCH (behind)<-[:OCCURS_AT]-(pp:PainPoint)
WITH gap, item, performers, journey, pp
ORDER BY journey.id
RETURN gap.label AS label, item {.id, .name, .verifiedAt} AS item,
       CASE gap.label WHEN 'Touchpoint' THEN 'customer' WHEN 'System' THEN 'system'
                      ELSE item.layer END AS layer,
       performers,
       collect(DISTINCT CASE WHEN journey IS NOT NULL THEN journey {.id, .name} END) AS journeys,
       count(DISTINCT pp) AS painPoints
ORDER BY CASE label WHEN 'Touchpoint' THEN 0 WHEN 'Process' THEN 1 ELSE 2 END, item.id
