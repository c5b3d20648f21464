// Pain points that no opportunity (improvement initiative) addresses, of severity
// $minSeverity or more (a pain point without a severity counts as 0), most severe first.
//
// Parameters:
//   $minSeverity  integer  lowest severity to list, e.g. 4; 0 for all
//
// Returns (ordered by severity descending, customers descending, moment of truth first,
// then id):
//   painPoint      map        {id, name, severity, category}
//   touchpoints    list<map>  {id, name} of the touchpoints it occurs at, by id
//   journeys       list<map>  {id, name} of their journeys, by id
//   customers      integer    distinct customers whose feedback evidences it
//   severity       integer    1 (minor) to 5 (severe), null if not set
//   momentOfTruth  boolean    true when one of its touchpoints is a moment of truth
MATCH (pp:PainPoint)
WHERE NOT (pp)<-[:ADDRESSES]-(:Opportunity) AND coalesce(pp.severity, 0) >= $minSeverity
OPTIONAL MATCH (pp)<-[:EVIDENCES]-(:Feedback)-[:GIVEN_BY]->(customer:Customer)
WITH pp, count(DISTINCT customer) AS customers
OPTIONAL MATCH (pp)-[:OCCURS_AT]->(tp:Touchpoint)
WITH pp, customers, tp
ORDER BY tp.id
WITH pp, customers,
     collect(CASE WHEN tp IS NOT NULL THEN tp {.id, .name} END) AS touchpoints,
     true IN collect(coalesce(tp.momentOfTruth, false)) AS momentOfTruth
OPTIONAL MATCH (pp)-[:OCCURS_AT]->(:Touchpoint)<-[:HAS_TOUCHPOINT]-(:Stage)
               <-[:HAS_STAGE]-(journey:Journey)
WITH pp, customers, touchpoints, momentOfTruth, journey
ORDER BY journey.id
WITH pp, customers, touchpoints, momentOfTruth,
     collect(DISTINCT CASE WHEN journey IS NOT NULL THEN journey {.id, .name} END) AS journeys
RETURN pp {.id, .name, .severity, .category} AS painPoint, touchpoints, journeys, customers,
       pp.severity AS severity, momentOfTruth
ORDER BY coalesce(severity, 0) DESC, customers DESC, momentOfTruth DESC, painPoint.id
