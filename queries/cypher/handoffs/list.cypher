// Hand-offs: touchpoints whose supporting processes are owned or performed by at least
// $minTeams distinct teams, with the pain points there. Only the processes that support
// the touchpoint directly count (not their parent processes).
//
// Parameters:
//   $minTeams  integer  fewest teams for a touchpoint to be listed, e.g. 2
//
// Returns (ordered by teams count descending, pain points descending, touchpoint id):
//   touchpoint  map        {id, name, momentOfTruth} (momentOfTruth false when not set)
//   journey     map        {id, name} of the touchpoint's journey, null if none
//   stage       map        {id, name, order} of the touchpoint's stage, null if none
//   processes   list<map>  {id, name, layer} of the supporting processes, by id
//   teams       list<map>  {id, name} of the teams owning or performing them, by id
//   teamCount   integer    size of teams
//   painPoints  integer    pain points occurring at the touchpoint
//   handoffPainPoints  integer  of which of category 'handoff'
MATCH (tp:Touchpoint)<-[:SUPPORTS]-(process:Process)
WITH tp, process
ORDER BY process.id
WITH tp, collect(process {.id, .name, .layer}) AS processes
MATCH (tp)<-[:SUPPORTS]-(:Process)<-[:OWNS|PERFORMS]-(team:Team)
WITH tp, processes, team
ORDER BY team.id
WITH tp, processes, collect(DISTINCT team {.id, .name}) AS teams
WHERE size(teams) >= $minTeams
OPTIONAL MATCH (tp)<-[:HAS_TOUCHPOINT]-(stage:Stage)<-[:HAS_STAGE]-(journey:Journey)
OPTIONAL MATCH (tp)<-[:OCCURS_AT]-(pp:PainPoint)
WITH tp, processes, teams, stage, journey, count(pp) AS painPoints,
     count(CASE WHEN pp.category = 'handoff' THEN 1 END) AS handoffPainPoints
RETURN {id: tp.id, name: tp.name, momentOfTruth: coalesce(tp.momentOfTruth, false)}
       AS touchpoint,
       CASE WHEN journey IS NOT NULL THEN journey {.id, .name} END AS journey,
       CASE WHEN stage IS NOT NULL THEN stage {.id, .name, .order} END AS stage,
       processes, teams, size(teams) AS teamCount, painPoints, handoffPainPoints
ORDER BY teamCount DESC, painPoints DESC, touchpoint.id
