// Pain points ranked by customer impact, with both measures a caller may sort by:
// customer impact (distinct customers whose feedback evidences the pain point, its
// severity, whether it occurs at a moment of truth) and the number of teams that must
// cooperate to fix it (the teams of painpoint/affecting_teams: owners of its touchpoints,
// owners and performers of the supporting processes and their parents, owners of the
// systems behind).
//
// Parameters:
//   $by     string   customers: rank by customer impact first; teams: by teams first, e.g.
//                    "customers"
//   $limit  integer  how many pain points, e.g. 20
//
// Returns (ordered by teams first with $by "teams"; then customers, severity, moment of
// truth, teams, all descending; then id):
//   painPoint      map        {id, name, severity, category}
//   touchpoints    list<map>  {id, name} of the touchpoints it occurs at, by id
//   journeys       list<map>  {id, name} of their journeys, by id
//   customers      integer    distinct customers whose feedback evidences it
//   feedback       integer    feedback evidencing it (also feedback without a customer)
//   severity       integer    1 (minor) to 5 (severe), null if not set
//   momentOfTruth  boolean    true when one of its touchpoints is a moment of truth
//   teams          integer    distinct teams involved in it
MATCH (pp:PainPoint)
OPTIONAL MATCH (pp)<-[:EVIDENCES]-(f:Feedback)
OPTIONAL MATCH (f)-[:GIVEN_BY]->(customer:Customer)
WITH pp, count(DISTINCT f) AS feedback, count(DISTINCT customer) AS customers
MATCH (pp)-[:OCCURS_AT]->(tp:Touchpoint)
OPTIONAL MATCH (tp)<-[:OWNS]-(owner:Team)
WITH pp, feedback, customers, tp, collect(owner.id) AS owners
OPTIONAL MATCH (tp)<-[:SUPPORTS]-(:Process)-[:PART_OF*0..]->(:Process)
               <-[:OWNS|PERFORMS]-(processTeam:Team)
WITH pp, feedback, customers, tp, owners, collect(processTeam.id) AS processTeams
OPTIONAL MATCH (tp)<-[:SUPPORTS]-(:Process)-[:USES]->(:System)<-[:OWNS]-(usedOwner:Team)
WITH pp, feedback, customers, tp, owners, processTeams, collect(usedOwner.id) AS usedOwners
OPTIONAL MATCH (tp)<-[:SUPPORTS]-(:System)<-[:OWNS]-(systemOwner:Team)
WITH pp, feedback, customers, tp, owners, processTeams, usedOwners,
     collect(systemOwner.id) AS systemOwners
WITH pp, feedback, customers, tp, owners + processTeams + usedOwners + systemOwners AS teamIds
OPTIONAL MATCH (tp)<-[:HAS_TOUCHPOINT]-(:Stage)<-[:HAS_STAGE]-(journey:Journey)
WITH pp, feedback, customers, tp, teamIds, journey
ORDER BY tp.id
WITH pp, feedback, customers, collect(tp {.id, .name}) AS touchpoints,
     true IN collect(coalesce(tp.momentOfTruth, false)) AS momentOfTruth,
     collect(teamIds) AS teamLists, collect(journey.id) AS journeyIds
UNWIND CASE WHEN size(journeyIds) = 0 THEN [null] ELSE journeyIds END AS journeyId
OPTIONAL MATCH (journey:Journey {id: journeyId})
WITH pp, feedback, customers, touchpoints, momentOfTruth, teamLists, journey
ORDER BY journey.id
WITH pp, feedback, customers, touchpoints, momentOfTruth, teamLists,
     collect(DISTINCT CASE WHEN journey IS NOT NULL THEN journey {.id, .name} END) AS journeys
UNWIND teamLists AS teamIds
UNWIND CASE WHEN size(teamIds) = 0 THEN [null] ELSE teamIds END AS teamId
WITH pp, feedback, customers, touchpoints, momentOfTruth, journeys,
     count(DISTINCT teamId) AS teams
RETURN pp {.id, .name, .severity, .category} AS painPoint, touchpoints, journeys, customers,
       feedback, pp.severity AS severity, momentOfTruth, teams
ORDER BY CASE $by WHEN 'teams' THEN teams ELSE customers END DESC,
         customers DESC, coalesce(severity, 0) DESC, momentOfTruth DESC, teams DESC,
         painPoint.id
LIMIT $limit
