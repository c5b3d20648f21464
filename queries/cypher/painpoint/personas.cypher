// Which personas hit each pain point of $ids, and at which stages: the personas its
// journeys are mapped for (Journey-FOR_PERSONA), and the personas of the customers whose
// feedback evidences it (Customer-HAS_PERSONA). A customer with two personas counts for both.
// One row per pain point and persona.
//
// Parameters:
//   $ids  list<string>  pain point ids, e.g. ["pp-bb-no-show"]
//
// Returns (ordered by pain point, customers descending, persona id):
//   painPoint  string     the pain point id the row answers for
//   persona    map        {id, name}
//   mapped     boolean    true when a journey where the pain point occurs is mapped for the
//                         persona
//   customers  integer    distinct customers with the persona whose feedback evidences it
//   stages     list<map>  {id, name, order, journey} of the stages where the persona meets
//                         it: the stages of its touchpoints in journeys mapped for the
//                         persona, and of the touchpoints evidencing feedback is about;
//                         journey is the journey id; by journey, order, id
UNWIND $ids AS painPointId
MATCH (pp:PainPoint {id: painPointId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH pp
OPTIONAL MATCH (pp)-[:OCCURS_AT]->(:Touchpoint)<-[:HAS_TOUCHPOINT]-(stage:Stage)
               <-[:HAS_STAGE]-(journey:Journey)-[:FOR_PERSONA]->(persona:Persona)
WITH pp, collect({persona: persona.id, stage: stage.id, customer: null}) AS mapped
OPTIONAL MATCH (pp)<-[:EVIDENCES]-(f:Feedback)-[:GIVEN_BY]->(customer:Customer)
               -[:HAS_PERSONA]->(persona:Persona)
OPTIONAL MATCH (f)-[:ABOUT]->(:Touchpoint)<-[:HAS_TOUCHPOINT]-(stage:Stage)
WITH pp, mapped,
     collect({persona: persona.id, stage: stage.id, customer: customer.id}) AS evidenced
UNWIND mapped + evidenced AS hit
WITH pp, hit
WHERE hit.persona IS NOT NULL
WITH pp, hit.persona AS personaId,
     collect(DISTINCT hit.stage) AS stageIds,
     count(DISTINCT hit.customer) AS customers,
     count(CASE WHEN hit.customer IS NULL THEN 1 END) > 0 AS mapped
MATCH (persona:Persona {id: personaId})
UNWIND CASE WHEN size(stageIds) = 0 THEN [null] ELSE stageIds END AS stageId
OPTIONAL MATCH (stage:Stage {id: stageId})
OPTIONAL MATCH (stage)<-[:HAS_STAGE]-(journey:Journey)
WITH pp, persona, mapped, customers, stage, journey
ORDER BY journey.id, stage.order, stage.id
WITH pp, persona, mapped, customers,
     collect(CASE WHEN stage IS NOT NULL
                  THEN {id: stage.id, name: stage.name, order: stage.order, journey: journey.id}
             END) AS stages
RETURN pp.id AS painPoint, persona {.id, .name} AS persona, mapped, customers, stages
ORDER BY painPoint, customers DESC, persona.id
