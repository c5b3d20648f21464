// Blast radius of each system of $ids: the touchpoints that depend on it, directly or
// through other systems. A touchpoint depends on a system when that system, or a system
// depending on it through a DEPENDS_ON chain, supports the touchpoint directly or is used by
// a process supporting it. One row per touchpoint reached, with the shortest dependency path
// (ties broken by the ids along the path), its journey, the journey's personas and the
// customers who gave feedback about the touchpoint.
//
// Parameters:
//   $ids  list<string>  system ids, e.g. ["sys-iam"]
//
// Returns (ordered by system, journey, stage order, touchpoint order, touchpoint id):
//   system      string     the system id the row answers for
//   touchpoint  map        {id, name, order, momentOfTruth} (momentOfTruth false when not set)
//   stage       map        {id, name, order} of the touchpoint's stage, null if none
//   journey     map        {id, name} of the stage's journey, null if none
//   personas    list<map>  {id, name} of the personas the journey is mapped for, by id
//   depth       integer    DEPENDS_ON hops on the path: 0 when the system itself is behind
//                          the touchpoint
//   path        list<map>  {id, name, label} from the element behind the touchpoint to the
//                          system: a Process using a System, or a System supporting the
//                          touchpoint directly, then each System it depends on, ending
//                          with the system asked about
//   customers   integer    distinct customers with feedback about the touchpoint
UNWIND $ids AS systemId
MATCH (system:System {id: systemId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH system
MATCH chain = (dependent:System)-[:DEPENDS_ON*0..]->(system)
WITH system, dependent, length(chain) AS depth,
     [n IN nodes(chain) | {id: n.id, name: n.name, label: 'System'}] AS systems
WITH system, dependent, depth, systems, reduce(key = '', s IN systems | key + s.id + ' ') AS key
ORDER BY depth, key
// the shortest chain from each dependent system, so that later steps multiply fewer rows
WITH system, dependent, collect({depth: depth, systems: systems})[0] AS best
UNWIND ['direct', 'process'] AS way
OPTIONAL MATCH (dependent)-[:SUPPORTS]->(direct:Touchpoint)
WHERE way = 'direct'
OPTIONAL MATCH (dependent)<-[:USES]-(process:Process)-[:SUPPORTS]->(behind:Touchpoint)
WHERE way = 'process'
WITH system, best.depth AS depth, coalesce(direct, behind) AS tp,
     CASE WHEN process IS NULL THEN best.systems
          ELSE [{id: process.id, name: process.name, label: 'Process'}] + best.systems END AS path
WHERE tp IS NOT NULL
WITH system, tp, depth, path, reduce(key = '', n IN path | key + n.id + ' ') AS key
ORDER BY depth, size(path), key
WITH system, tp, collect({depth: depth, path: path})[0] AS best
OPTIONAL MATCH (tp)<-[:HAS_TOUCHPOINT]-(stage:Stage)<-[:HAS_STAGE]-(journey:Journey)
OPTIONAL MATCH (journey)-[:FOR_PERSONA]->(persona:Persona)
WITH system, best, tp, stage, journey, persona
ORDER BY persona.id
WITH system, best, tp, stage, journey,
     collect(CASE WHEN persona IS NOT NULL THEN persona {.id, .name} END) AS personas
OPTIONAL MATCH (tp)<-[:ABOUT]-(:Feedback)-[:GIVEN_BY]->(customer:Customer)
WITH system, best, tp, stage, journey, personas, count(DISTINCT customer) AS customers
RETURN system.id AS system,
       {id: tp.id, name: tp.name, order: tp.order,
        momentOfTruth: coalesce(tp.momentOfTruth, false)} AS touchpoint,
       CASE WHEN stage IS NOT NULL THEN stage {.id, .name, .order} END AS stage,
       CASE WHEN journey IS NOT NULL THEN journey {.id, .name} END AS journey,
       personas, best.depth AS depth, best.path AS path, customers
ORDER BY system, coalesce(journey.id, ''), coalesce(stage.order, 0), coalesce(touchpoint.order, 0),
         touchpoint.id
