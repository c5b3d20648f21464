// Which teams affect each pain point of $ids: through the touchpoint it occurs at (its owner), the
// processes supporting that touchpoint and their parent processes (owners and performers),
// the systems those processes use and the systems behind the touchpoint (owners).
// One row per way a team is involved, with the evidence path and the team's roll-up.
//
// Parameters:
//   $ids  list<string>  pain point ids, e.g. ["pp-switch-hidden-fees"]
//
// Returns (ordered by pain point, then layer from the customer inwards, team, role):
//   painPoint  string     the pain point id the row answers for
//   team    map           all properties of the team
//   role    string        touchpoint_owner | process_owner | process_performer | system_owner
//   layer   string        blueprint layer of the element the team is involved through:
//                         customer (the touchpoint), frontstage | backstage | support (a
//                         process), system
//   via     map           {id, name, label} of that element
//   path    list<map>     {id, name, label} from the pain point to the team
//   rollUp  list<map>     all properties of the parent units, nearest first
UNWIND $ids AS painPointId
MATCH (pp:PainPoint {id: painPointId})-[:OCCURS_AT]->(tp:Touchpoint)
WITH pp, tp, [{id: pp.id, name: pp.name, label: 'PainPoint'},
              {id: tp.id, name: tp.name, label: 'Touchpoint'}] AS start
OPTIONAL MATCH (tp)<-[:OWNS]-(owner:Team)
WITH pp, tp, start,
     collect({teamId: owner.id, role: 'touchpoint_owner', layer: 'customer',
              via: {id: tp.id, name: tp.name, label: 'Touchpoint'}, trail: start}) AS owners
OPTIONAL MATCH chain = (tp)<-[:SUPPORTS]-(:Process)-[:PART_OF*0..]->(anc:Process)
                       <-[r:OWNS|PERFORMS]-(team:Team)
WITH pp, tp, start, owners,
     collect({teamId: team.id,
              role: CASE type(r) WHEN 'OWNS' THEN 'process_owner' ELSE 'process_performer' END,
              layer: anc.layer,
              via: {id: anc.id, name: anc.name, label: 'Process'},
              trail: start + [n IN nodes(chain)[1..-1] | {id: n.id, name: n.name, label: 'Process'}]
             }) AS processes
OPTIONAL MATCH (tp)<-[:SUPPORTS]-(p:Process)-[:USES]->(s:System)<-[:OWNS]-(team:Team)
WITH pp, tp, start, owners, processes,
     collect({teamId: team.id, role: 'system_owner', layer: 'system',
              via: {id: s.id, name: s.name, label: 'System'},
              trail: start + [{id: p.id, name: p.name, label: 'Process'},
                              {id: s.id, name: s.name, label: 'System'}]}) AS used
OPTIONAL MATCH (tp)<-[:SUPPORTS]-(s:System)<-[:OWNS]-(team:Team)
WITH pp, owners, processes, used,
     collect({teamId: team.id, role: 'system_owner', layer: 'system',
              via: {id: s.id, name: s.name, label: 'System'},
              trail: start + [{id: s.id, name: s.name, label: 'System'}]}) AS direct
UNWIND owners + processes + used + direct AS inv
WITH DISTINCT pp.id AS painPoint, inv
WHERE inv.teamId IS NOT NULL
MATCH (team:Team {id: inv.teamId})
OPTIONAL MATCH up = (team)-[:PART_OF*1..]->(parent:Team)
WITH painPoint, team, inv, parent, length(up) AS depth
ORDER BY depth
// (a map projection of a missing node is a map of nulls on FalkorDB, null on Neo4j)
WITH painPoint, team, inv,
     collect(CASE WHEN parent IS NOT NULL THEN parent {.*} END)
     AS rollUp
RETURN painPoint, team {.*} AS team,
       inv.role AS role, inv.layer AS layer, inv.via AS via,
       inv.trail + [{id: team.id, name: team.name, label: 'Team'}] AS path, rollUp
ORDER BY painPoint, CASE layer
           WHEN 'customer' THEN 0 WHEN 'frontstage' THEN 1 WHEN 'backstage' THEN 2
           WHEN 'support' THEN 3 ELSE 4
         END, team.id, role, via.id, size(path)
