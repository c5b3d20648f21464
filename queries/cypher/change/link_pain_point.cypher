// Say that pain point $painPoint occurs at touchpoint $touchpoint (nothing changes when it
// is already linked), with a LoadRun saying who made the change.
//
// Parameters:
//   $painPoint   string  pain point id, e.g. "pp-bb-no-slot-choice"
//   $touchpoint  string  touchpoint id, e.g. "tp-bb-reminder"
//   $run         map     the LoadRun's properties: {id, kind, status, startedAt, agent}
//   $source      string  provenance source, e.g. "api"
//
// Returns one row (none when either does not exist):
//   painPoint  string   the pain point's id
//   created    boolean  whether the link is new
MATCH (pp:PainPoint {id: $painPoint})
MATCH (tp:Touchpoint {id: $touchpoint})
CREATE (run:LoadRun)
SET run = $run
MERGE (pp)-[r:OCCURS_AT]->(tp)
ON CREATE SET r.source = $source, r.loadRun = $run.id
RETURN pp.id AS painPoint, r.loadRun = $run.id AS created
