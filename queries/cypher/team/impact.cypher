// What each team of $ids affects, in totals: the touchpoints it or a unit below it is
// involved in (in the ways of team/affected), the pain points occurring there, the journeys
// of those touchpoints and the customers whose feedback evidences those pain points.
// One row per team found, also when it affects nothing (zero counts).
//
// Parameters:
//   $ids  list<string>  team ids, e.g. ["team-field-ops"]
//
// Returns (ordered by team):
//   team         string     the team id the row answers for
//   touchpoints  integer    distinct touchpoints the team or its units are involved in
//   painPoints   integer    distinct pain points occurring at those touchpoints
//   journeys     list<map>  {id, name} of the journeys of those touchpoints, by id
//   customers    integer    distinct customers whose feedback evidences those pain points
UNWIND $ids AS teamId
MATCH (team:Team {id: teamId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH team
MATCH (unit:Team)-[:PART_OF*0..]->(team)
// each way of being involved on rows of its own (see team/affected)
UNWIND ['touchpoint', 'process', 'used_system', 'direct_system'] AS way
OPTIONAL MATCH (unit)-[:OWNS]->(owned:Touchpoint)
WHERE way = 'touchpoint'
OPTIONAL MATCH (unit)-[:OWNS|PERFORMS]->(:Process)<-[:PART_OF*0..]-(:Process)
               -[:SUPPORTS]->(supported:Touchpoint)
WHERE way = 'process'
OPTIONAL MATCH (unit)-[:OWNS]->(:System)<-[:USES]-(:Process)-[:SUPPORTS]->(usedAt:Touchpoint)
WHERE way = 'used_system'
OPTIONAL MATCH (unit)-[:OWNS]->(:System)-[:SUPPORTS]->(directAt:Touchpoint)
WHERE way = 'direct_system'
// (a team involved in nothing keeps one row, with a null touchpoint)
WITH DISTINCT team, coalesce(owned, supported, usedAt, directAt) AS tp
OPTIONAL MATCH (tp)<-[:HAS_TOUCHPOINT]-(:Stage)<-[:HAS_STAGE]-(journey:Journey)
OPTIONAL MATCH (tp)<-[:OCCURS_AT]-(pp:PainPoint)
OPTIONAL MATCH (pp)<-[:EVIDENCES]-(:Feedback)-[:GIVEN_BY]->(customer:Customer)
WITH team, tp, journey, pp, customer
ORDER BY journey.id
RETURN team.id AS team, count(DISTINCT tp) AS touchpoints, count(DISTINCT pp) AS painPoints,
       collect(DISTINCT CASE WHEN journey IS NOT NULL THEN journey {.id, .name} END) AS journeys,
       count(DISTINCT customer) AS customers
ORDER BY team
