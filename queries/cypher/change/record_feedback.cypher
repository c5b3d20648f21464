// Record one feedback of customer $customer about touchpoint $touchpoint, as evidence of
// the pain points $painPoints, with a LoadRun saying who recorded it.
// The feedback must not exist yet (its id is unique).
//
// Parameters:
//   $props       map           the feedback's properties, e.g. {id: "fb-1", kind: "complaint",
//                              date: "2026-11-02", text: "…", metric: "csat", score: 2}
//   $customer    string        customer id, e.g. "cust-001"
//   $touchpoint  string        touchpoint id, e.g. "tp-bb-book-slot"
//   $painPoints  list<string>  pain point ids (may be empty), e.g. ["pp-bb-no-slot-choice"]
//   $run         map           the LoadRun's properties: {id, kind, status, startedAt, agent}
//   $source      string        provenance source, e.g. "api"
//
// Returns one row (none when the customer or touchpoint does not exist):
//   feedback  string  the feedback's id
MATCH (c:Customer {id: $customer})
MATCH (tp:Touchpoint {id: $touchpoint})
CREATE (run:LoadRun)
SET run = $run
CREATE (f:Feedback)
SET f = $props, f.source = $source, f.loadRun = $run.id
CREATE (f)-[:GIVEN_BY {source: $source, loadRun: $run.id}]->(c)
CREATE (f)-[:ABOUT {source: $source, loadRun: $run.id}]->(tp)
WITH f
OPTIONAL MATCH (pp:PainPoint)
WHERE pp.id IN $painPoints
WITH f, collect(pp) AS evidenced
FOREACH (pp IN evidenced | CREATE (f)-[:EVIDENCES {source: $source, loadRun: $run.id}]->(pp))
RETURN f.id AS feedback
