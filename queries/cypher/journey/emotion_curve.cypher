// Emotion curve and metrics of each journey of $ids: one row per stage, in stage order, with
// the stage's emotion before, during and after it and its CSAT, NPS and CES, all read from
// the Measurement nodes of the stage (Measurement-OF->Stage). When a stage has several
// measurements of one metric and phase, the latest dated one counts.
//
// Parameters:
//   $ids  list<string>  journey ids, e.g. ["j-biz-dispute-move"]
//
// Returns (ordered by journey, stage order, stage id):
//   journey     string   the journey id the row answers for
//   stage       map      {id, name, order}
//   before      float    emotion before the stage (-3..+3), null if not measured
//   during      float    emotion during the stage
//   after       float    emotion after the stage
//   csat        float    CSAT (1-5) of the stage, any phase, null if not measured
//   nps         float    NPS (-100..100)
//   ces         float    CES (1-7)
//   painPoints  integer  pain points occurring at the stage's touchpoints
UNWIND $ids AS journeyId
MATCH (journey:Journey {id: journeyId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH journey
MATCH (journey)-[:HAS_STAGE]->(stage:Stage)
OPTIONAL MATCH (stage)<-[:OF]-(m:Measurement)
WITH journey, stage, m
ORDER BY coalesce(m.date, '') DESC, m.id
WITH journey, stage,
     collect(CASE WHEN m IS NOT NULL THEN {metric: m.metric, phase: m.phase, value: m.value} END)
     AS latestFirst
OPTIONAL MATCH (stage)-[:HAS_TOUCHPOINT]->(:Touchpoint)<-[:OCCURS_AT]-(pp:PainPoint)
WITH journey, stage, latestFirst, count(DISTINCT pp) AS painPoints
RETURN journey.id AS journey, stage {.id, .name, .order} AS stage,
       head([x IN latestFirst WHERE x.metric = 'emotion' AND x.phase = 'before' | x.value])
       AS before,
       head([x IN latestFirst WHERE x.metric = 'emotion' AND x.phase = 'during' | x.value])
       AS during,
       head([x IN latestFirst WHERE x.metric = 'emotion' AND x.phase = 'after' | x.value])
       AS after,
       head([x IN latestFirst WHERE x.metric = 'csat' | x.value]) AS csat,
       head([x IN latestFirst WHERE x.metric = 'nps' | x.value]) AS nps,
       head([x IN latestFirst WHERE x.metric = 'ces' | x.value]) AS ces,
       painPoints
ORDER BY journey, stage.order, stage.id
