// What each system of $ids affects, in totals: the systems depending on it (directly or
// through DEPENDS_ON chains), and the touchpoints, pain points, journeys, personas and
// customers of its blast radius (the touchpoints of system/blast_radius).
// One row per system found, also when nothing depends on it (zero counts, empty lists).
//
// Parameters:
//   $ids  list<string>  system ids, e.g. ["sys-iam"]
//
// Returns (ordered by system):
//   system       string     the system id the row answers for
//   dependents   list<map>  {id, name, depth} of the systems depending on it, depth the
//                           fewest DEPENDS_ON hops; by depth, then id
//   touchpoints  integer    touchpoints in its blast radius
//   painPoints   integer    distinct pain points occurring at those touchpoints
//   journeys     list<map>  {id, name} of the journeys of those touchpoints, by id
//   personas     list<map>  {id, name} of the personas those journeys are mapped for, by id
//   customers    integer    distinct customers with feedback about those touchpoints
// (The radius is walked twice, and lists are built last: FalkorDB copies the lists of a
// row on every row derived from it, which is slow over the many rows of a core system.)
UNWIND $ids AS systemId
MATCH (system:System {id: systemId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH system
// 1. the customers, on their own (their rows are many)
MATCH (dependent:System)-[:DEPENDS_ON*0..]->(system)
WITH DISTINCT system, dependent
UNWIND ['direct', 'process'] AS way
OPTIONAL MATCH (dependent)-[:SUPPORTS]->(direct:Touchpoint)
WHERE way = 'direct'
OPTIONAL MATCH (dependent)<-[:USES]-(:Process)-[:SUPPORTS]->(behind:Touchpoint)
WHERE way = 'process'
// (a system with an empty radius keeps one row, with a null touchpoint)
WITH DISTINCT system, coalesce(direct, behind) AS tp
OPTIONAL MATCH (tp)<-[:ABOUT]-(:Feedback)-[:GIVEN_BY]->(customer:Customer)
WITH system, count(DISTINCT customer) AS customers
// 2. the touchpoints again, for the other totals
MATCH (dependent:System)-[:DEPENDS_ON*0..]->(system)
WITH DISTINCT system, customers, dependent
UNWIND ['direct', 'process'] AS way
OPTIONAL MATCH (dependent)-[:SUPPORTS]->(direct:Touchpoint)
WHERE way = 'direct'
OPTIONAL MATCH (dependent)<-[:USES]-(:Process)-[:SUPPORTS]->(behind:Touchpoint)
WHERE way = 'process'
// (a system with an empty radius keeps one row, with a null touchpoint)
WITH DISTINCT system, customers, coalesce(direct, behind) AS tp
OPTIONAL MATCH (tp)<-[:HAS_TOUCHPOINT]-(:Stage)<-[:HAS_STAGE]-(journey:Journey)
OPTIONAL MATCH (tp)<-[:OCCURS_AT]-(pp:PainPoint)
WITH system, customers, tp, journey, pp
ORDER BY journey.id
WITH system, customers, count(DISTINCT tp) AS touchpoints, count(DISTINCT pp) AS painPoints,
     collect(DISTINCT CASE WHEN journey IS NOT NULL THEN journey {.id, .name} END) AS journeys
UNWIND CASE WHEN size(journeys) = 0 THEN [null] ELSE journeys END AS journeyEntry
OPTIONAL MATCH (:Journey {id: journeyEntry.id})-[:FOR_PERSONA]->(persona:Persona)
WITH system, touchpoints, painPoints, customers, journeys, persona
ORDER BY persona.id
WITH system, touchpoints, painPoints, customers, journeys,
     collect(DISTINCT CASE WHEN persona IS NOT NULL THEN persona {.id, .name} END) AS personas
OPTIONAL MATCH chain = (dependent:System)-[:DEPENDS_ON*1..]->(system)
WITH system, touchpoints, painPoints, customers, journeys, personas, dependent,
     min(length(chain)) AS depth
ORDER BY depth, dependent.id
RETURN system.id AS system,
       collect(CASE WHEN dependent IS NOT NULL
                    THEN {id: dependent.id, name: dependent.name, depth: depth} END) AS dependents,
       touchpoints, painPoints, journeys, personas, customers
ORDER BY system
