// Which teams affect pain point $id: through the touchpoint it occurs at (its owner), the
// processes supporting that touchpoint and their parent processes (owners and performers),
// the systems those processes use and the systems behind the touchpoint (owners).
// One row per way a team is involved, with the evidence path and the team's roll-up.
//
// Parameters:
//   $id  string  pain point id, e.g. "pp-hidden-fees"
//
// Returns:
//   team    map           all properties of the team
//   role    string        touchpoint_owner | process_owner | process_performer | system_owner
//   layer   string        blueprint layer of the element the team is involved through:
//                         customer (the touchpoint), frontstage | backstage | support (a
//                         process), system
//   via     map           {id, name, label} of that element
//   path    list<map>     {id, name, label} from the pain point to the team
//   rollUp  list<map>     all properties of the team's parent units, nearest first
CALL {
  MATCH (pp:PainPoint {id: $id})-[:OCCURS_AT]->(tp:Touchpoint)<-[:OWNS]-(team:Team)
  RETURN team.id AS teamId, 'touchpoint_owner' AS role, 'customer' AS layer,
         {id: tp.id, name: tp.name, label: 'Touchpoint'} AS via,
         [{id: pp.id, name: pp.name, label: 'PainPoint'},
          {id: tp.id, name: tp.name, label: 'Touchpoint'}] AS trail
  UNION ALL
  MATCH (pp:PainPoint {id: $id})-[:OCCURS_AT]->(tp:Touchpoint)<-[:SUPPORTS]-(p:Process)
  MATCH chain = (p)-[:PART_OF*0..]->(anc:Process)<-[r:OWNS|PERFORMS]-(team:Team)
  RETURN team.id AS teamId,
         CASE type(r) WHEN 'OWNS' THEN 'process_owner' ELSE 'process_performer' END AS role,
         anc.layer AS layer,
         {id: anc.id, name: anc.name, label: 'Process'} AS via,
         [{id: pp.id, name: pp.name, label: 'PainPoint'},
          {id: tp.id, name: tp.name, label: 'Touchpoint'}]
         + [n IN nodes(chain)[..-1] | {id: n.id, name: n.name, label: 'Process'}] AS trail
  UNION ALL
  MATCH (pp:PainPoint {id: $id})-[:OCCURS_AT]->(tp:Touchpoint)<-[:SUPPORTS]-(p:Process)
  MATCH (p)-[:USES]->(s:System)<-[:OWNS]-(team:Team)
  RETURN team.id AS teamId, 'system_owner' AS role, 'system' AS layer,
         {id: s.id, name: s.name, label: 'System'} AS via,
         [{id: pp.id, name: pp.name, label: 'PainPoint'},
          {id: tp.id, name: tp.name, label: 'Touchpoint'},
          {id: p.id, name: p.name, label: 'Process'},
          {id: s.id, name: s.name, label: 'System'}] AS trail
  UNION ALL
  MATCH (pp:PainPoint {id: $id})-[:OCCURS_AT]->(tp:Touchpoint)<-[:SUPPORTS]-(s:System)
  MATCH (s)<-[:OWNS]-(team:Team)
  RETURN team.id AS teamId, 'system_owner' AS role, 'system' AS layer,
         {id: s.id, name: s.name, label: 'System'} AS via,
         [{id: pp.id, name: pp.name, label: 'PainPoint'},
          {id: tp.id, name: tp.name, label: 'Touchpoint'},
          {id: s.id, name: s.name, label: 'System'}] AS trail
}
// Nodes do not survive a CALL subquery on every engine: look the team up again by id.
WITH DISTINCT teamId, role, layer, via, trail
MATCH (team:Team {id: teamId})
OPTIONAL MATCH up = (team)-[:PART_OF*1..]->(parent:Team)
WITH team, role, layer, via, trail, parent, length(up) AS depth
ORDER BY depth
WITH team, role, layer, via, trail, collect(parent {.*}) AS rollUp
RETURN team {.*} AS team, role, layer, via,
       trail + [{id: team.id, name: team.name, label: 'Team'}] AS path, rollUp
ORDER BY CASE layer
           WHEN 'customer' THEN 0 WHEN 'frontstage' THEN 1 WHEN 'backstage' THEN 2
           WHEN 'support' THEN 3 ELSE 4
         END, team.id, role, via.id, size(path)
