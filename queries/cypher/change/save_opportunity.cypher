// Create or update opportunity $id with the properties $props; when $owner is given, team
// $owner becomes its only owner; when $painPoints is given, the opportunity addresses
// exactly those pain points. A LoadRun says who made the change.
//
// Parameters:
//   $id          string              opportunity id, e.g. "opp-slot-choice"
//   $props       map                 properties to set, e.g. {name: "…", status: "planned"}
//   $owner       string or null      owning team id, e.g. "team-field-scheduling"
//   $painPoints  list<string> or null  pain point ids, e.g. ["pp-bb-no-slot-choice"]
//   $run         map                 the LoadRun's properties: {id, kind, status, startedAt, agent}
//   $source      string              provenance source, e.g. "api"
//
// Returns one row:
//   opportunity  string  the opportunity's id
// ($run.id rather than run.id: on FalkorDB a SET holding `+=` drops items reading `run`)
MERGE (o:Opportunity {id: $id})
ON CREATE SET o.source = $source
CREATE (run:LoadRun)
SET run = $run
SET o += $props, o.loadRun = $run.id
WITH o
OPTIONAL MATCH (o)<-[old:OWNS]-(other:Team)
WHERE $owner IS NOT NULL AND other.id <> $owner
DELETE old
WITH DISTINCT o
OPTIONAL MATCH (team:Team {id: $owner})
FOREACH (t IN CASE WHEN team IS NULL THEN [] ELSE [team] END |
  MERGE (t)-[r:OWNS]->(o)
  ON CREATE SET r.source = $source, r.loadRun = $run.id)
WITH DISTINCT o
OPTIONAL MATCH (o)-[gone:ADDRESSES]->(p:PainPoint)
WHERE $painPoints IS NOT NULL AND NOT p.id IN $painPoints
DELETE gone
WITH DISTINCT o
OPTIONAL MATCH (pp:PainPoint)
WHERE pp.id IN coalesce($painPoints, [])
WITH o, collect(pp) AS addressed
FOREACH (pp IN addressed |
  MERGE (o)-[r:ADDRESSES]->(pp)
  ON CREATE SET r.source = $source, r.loadRun = $run.id)
RETURN o.id AS opportunity
