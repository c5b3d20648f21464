// Link feedback to the pain points of its touchpoint that share its category
// (Feedback-EVIDENCES->PainPoint), after a feedback load.
//
// Parameters:
//   $ids     list<string>  feedback ids to link, e.g. ["fb-0001", "fb-0002"]
//   $source  string        provenance source, e.g. "feedback:feedback.csv"
//   $loadRun string        id of the load run, e.g. "run-20260914T100000Z-1a2b3c4d"
//
// Returns:
//   linked   integer       number of feedback-pain point pairs now linked
UNWIND $ids AS id
MATCH (f:Feedback {id: id})-[:ABOUT]->(:Touchpoint)<-[:OCCURS_AT]-(pp:PainPoint)
WHERE f.category IS NOT NULL AND pp.category = f.category
MERGE (f)-[r:EVIDENCES]->(pp)
SET r.source = $source, r.loadRun = $loadRun
RETURN count(r) AS linked
