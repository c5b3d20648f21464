// Record one feedback of customer $customer about touchpoint $touchpoint, or given on channel
// $channel about no particular touchpoint (one of the two is null), as evidence of the pain
// points $painPoints, with a LoadRun saying who recorded it.
// The feedback must not exist yet (its id is unique).
//
// Parameters:
//   $props       map           the feedback's properties, e.g. {id: "fb-1", kind: "complaint",
//                              date: "2026-11-02", text: "…", metric: "csat", score: 2}
//   $customer    string        customer id, e.g. "cust-001"
//   $touchpoint  string        touchpoint id, e.g. "tp-bb-book-slot", or null
//   $channel     string        channel id, e.g. "ch-phone", or null
//   $painPoints  list<string>  pain point ids (may be empty), e.g. ["pp-bb-no-slot-choice"]
//   $run         map           the LoadRun's properties: {id, kind, status, startedAt, agent}
//   $source      string        provenance source, e.g. "api"
//
// Returns one row (none when the customer does not exist, or neither the touchpoint nor the
// channel does):
//   feedback  string  the feedback's id
MATCH (c:Customer {id: $customer})
OPTIONAL MATCH (tp:Touchpoint {id: $touchpoint})
OPTIONAL MATCH (ch:Channel {id: $channel})
WITH c, tp, ch
WHERE tp IS NOT NULL OR ch IS NOT NULL
CREATE (run:LoadRun)
SET run = $run
CREATE (f:Feedback)
SET f = $props, f.source = $source, f.loadRun = $run.id
CREATE (f)-[:GIVEN_BY {source: $source, loadRun: $run.id}]->(c)
FOREACH (about IN CASE WHEN tp IS NULL THEN [] ELSE [tp] END |
  CREATE (f)-[:ABOUT {source: $source, loadRun: $run.id}]->(about))
FOREACH (via IN CASE WHEN ch IS NULL THEN [] ELSE [ch] END |
  CREATE (f)-[:VIA {source: $source, loadRun: $run.id}]->(via))
WITH f
OPTIONAL MATCH (pp:PainPoint)
WHERE pp.id IN $painPoints
WITH f, collect(pp) AS evidenced
FOREACH (pp IN evidenced | CREATE (f)-[:EVIDENCES {source: $source, loadRun: $run.id}]->(pp))
RETURN f.id AS feedback
