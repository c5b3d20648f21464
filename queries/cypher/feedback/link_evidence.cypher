// Link feedback to the pain points of its touchpoint that share its category
// (Feedback-EVIDENCES->PainPoint), after a feedback load. Feedback given via a channel,
// about no touchpoint, evidences no pain point: which of the channel's touchpoints it
// means is unknown. Links from these feedback that a source of $unlinkFrom made in an
// earlier load and that no longer hold (the category or touchpoint changed, or the
// feedback is now about a channel) are deleted.
//
// Parameters:
//   $ids         list<string>  feedback ids to link, e.g. ["fb-0001", "fb-0002"]
//   $source      string        provenance source, e.g. "feedback:feedback.csv"
//   $loadRun     string        id of the load run, e.g. "run-20260914T100000Z-1a2b3c4d"
//   $unlinkFrom  list<string>  [$source] when every EVIDENCES of $source is derived here
//                              (a table, not an RDF file stating some itself), else []
//
// Returns one row:
//   linked  integer    number of feedback-pain point pairs now linked
//   links   list<map>  those pairs, {from: feedback id, to: pain point id}
UNWIND $ids AS id
MATCH (f:Feedback {id: id})
OPTIONAL MATCH (f)-[:ABOUT]->(:Touchpoint)<-[:OCCURS_AT]-(pp:PainPoint)
WHERE f.category IS NOT NULL AND pp.category = f.category
WITH f, collect(DISTINCT pp) AS evidenced
OPTIONAL MATCH (f)-[old:EVIDENCES]->(was:PainPoint)
WHERE old.source IN $unlinkFrom AND NOT was.id IN [pp IN evidenced | pp.id]
DELETE old
WITH DISTINCT f, evidenced
UNWIND evidenced AS pp
MERGE (f)-[r:EVIDENCES]->(pp)
ON CREATE SET r.source = $source, r.loadRun = $loadRun
RETURN count(r) AS linked, collect({from: f.id, to: pp.id}) AS links
