// Service blueprint of each journey of $ids: one row per stage and touchpoint (the customer
// actions), with the lanes behind it: the teams owning the touchpoint, the supporting
// processes by blueprint layer (each with its owners and performers), the systems
// supporting the touchpoint directly, the pain points there and its measurements.
// A stage without touchpoints gives one row with a null touchpoint and empty lanes.
//
// Parameters:
//   $ids  list<string>  journey ids, e.g. ["j-biz-dispute-move"]
//
// Returns (ordered by journey, stage order, touchpoint order, touchpoint id):
//   journey       string     the journey id the row answers for
//   stage         map        {id, name, order}
//   touchpoint    map        {id, name, order, action, evidence, momentOfTruth, verifiedAt},
//                            momentOfTruth false when not set; null for a stage without any
//   channel       map        {id, name, kind} the touchpoint happens on, null if none
//   needs         list<map>  {id, name} of the customer needs it addresses, by id
//   owners        list<map>  {id, name} of the teams owning the touchpoint, by id
//   frontstage    list<map>  the supporting processes of that layer, by code then id:
//   backstage     list<map>    {id, name, code, owners, performers}, owners and performers
//   support       list<map>    being lists of {id, name} of teams, by id
//   systems       list<map>  {id, name, criticality, owners} of the systems supporting the
//                            touchpoint directly, by id; owners {id, name} by id
//   painPoints    list<map>  {id, name, severity, category}, by severity descending, then id
//   measurements  list<map>  {metric, phase, value, sampleSize, date} of the touchpoint, by
//                            metric, phase, date (undated first)
UNWIND $ids AS journeyId
MATCH (journey:Journey {id: journeyId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH journey
MATCH (journey)-[:HAS_STAGE]->(stage:Stage)
OPTIONAL MATCH (stage)-[:HAS_TOUCHPOINT]->(tp:Touchpoint)
OPTIONAL MATCH (tp)-[:VIA]->(channel:Channel)
WITH journey, stage, tp, channel
OPTIONAL MATCH (tp)-[:ADDRESSES]->(need:CustomerNeed)
WITH journey, stage, tp, channel, need
ORDER BY need.id
WITH journey, stage, tp, channel,
     collect(CASE WHEN need IS NOT NULL THEN need {.id, .name} END) AS needs
OPTIONAL MATCH (tp)<-[:OWNS]-(owner:Team)
WITH journey, stage, tp, channel, needs, owner
ORDER BY owner.id
WITH journey, stage, tp, channel, needs,
     collect(CASE WHEN owner IS NOT NULL THEN owner {.id, .name} END) AS owners
// processes, each with its owners and performers
OPTIONAL MATCH (tp)<-[:SUPPORTS]-(process:Process)
OPTIONAL MATCH (process)<-[:OWNS]-(processOwner:Team)
WITH journey, stage, tp, channel, needs, owners, process, processOwner
ORDER BY processOwner.id
WITH journey, stage, tp, channel, needs, owners, process,
     collect(CASE WHEN processOwner IS NOT NULL THEN processOwner {.id, .name} END)
     AS processOwners
OPTIONAL MATCH (process)<-[:PERFORMS]-(performer:Team)
WITH journey, stage, tp, channel, needs, owners, process, processOwners, performer
ORDER BY performer.id
WITH journey, stage, tp, channel, needs, owners, process, processOwners,
     collect(CASE WHEN performer IS NOT NULL THEN performer {.id, .name} END) AS performers
ORDER BY process.code, process.id
WITH journey, stage, tp, channel, needs, owners,
     collect(CASE WHEN process IS NOT NULL
                  THEN {id: process.id, name: process.name, code: process.code,
                        layer: process.layer, owners: processOwners, performers: performers}
             END) AS processes
// systems supporting the touchpoint directly, each with its owners
OPTIONAL MATCH (tp)<-[:SUPPORTS]-(system:System)
OPTIONAL MATCH (system)<-[:OWNS]-(systemOwner:Team)
WITH journey, stage, tp, channel, needs, owners, processes, system, systemOwner
ORDER BY systemOwner.id
WITH journey, stage, tp, channel, needs, owners, processes, system,
     collect(CASE WHEN systemOwner IS NOT NULL THEN systemOwner {.id, .name} END)
     AS systemOwners
ORDER BY system.id
WITH journey, stage, tp, channel, needs, owners, processes,
     collect(CASE WHEN system IS NOT NULL
                  THEN {id: system.id, name: system.name, criticality: system.criticality,
                        owners: systemOwners}
             END) AS systems
OPTIONAL MATCH (tp)<-[:OCCURS_AT]-(pp:PainPoint)
WITH journey, stage, tp, channel, needs, owners, processes, systems, pp
ORDER BY pp.severity DESC, pp.id
WITH journey, stage, tp, channel, needs, owners, processes, systems,
     collect(CASE WHEN pp IS NOT NULL THEN pp {.id, .name, .severity, .category} END)
     AS painPoints
OPTIONAL MATCH (tp)<-[:OF]-(m:Measurement)
WITH journey, stage, tp, channel, needs, owners, processes, systems, painPoints, m
ORDER BY m.metric, m.phase, coalesce(m.date, ''), m.id
WITH journey, stage, tp, channel, needs, owners, processes, systems, painPoints,
     collect(CASE WHEN m IS NOT NULL THEN m {.metric, .phase, .value, .sampleSize, .date} END)
     AS measurements
RETURN journey.id AS journey, stage {.id, .name, .order} AS stage,
       CASE WHEN tp IS NOT NULL
            THEN {id: tp.id, name: tp.name, order: tp.order, action: tp.action,
                  evidence: tp.evidence, momentOfTruth: coalesce(tp.momentOfTruth, false),
                  verifiedAt: tp.verifiedAt}
       END AS touchpoint,
       CASE WHEN channel IS NOT NULL THEN channel {.id, .name, .kind} END AS channel,
       needs, owners,
       [p IN processes WHERE p.layer = 'frontstage' | p {.id, .name, .code, .owners, .performers}]
       AS frontstage,
       [p IN processes WHERE p.layer = 'backstage' | p {.id, .name, .code, .owners, .performers}]
       AS backstage,
       [p IN processes WHERE p.layer = 'support' | p {.id, .name, .code, .owners, .performers}]
       AS support,
       systems, painPoints, measurements
ORDER BY journey, stage.order, stage.id, coalesce(touchpoint.order, 0), touchpoint.id
