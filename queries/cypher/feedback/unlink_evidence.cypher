// Delete the links from feedback to pain points that $source derived in an earlier load and
// that no longer hold: the feedback's category or touchpoint changed, or it is now about a
// channel. Run before feedback/link_evidence, for a source whose EVIDENCES are all derived
// (a table, not an RDF file stating some itself).
//
// Parameters:
//   $ids     list<string>  feedback ids, e.g. ["fb-0001", "fb-0002"]
//   $source  string        provenance source, e.g. "feedback:feedback.csv"
//
// Returns no rows; the relationships deleted are in the statistics.
UNWIND $ids AS id
MATCH (f:Feedback {id: id})-[old:EVIDENCES]->(was:PainPoint)
WHERE old.source = $source
OPTIONAL MATCH (f)-[:ABOUT]->(tp:Touchpoint)
WITH f, old, was, tp
OPTIONAL MATCH (tp)<-[still:OCCURS_AT]-(was)
WITH old, still, coalesce(was.category = f.category, false) AS sameCategory
WHERE still IS NULL OR NOT sameCategory
DELETE old
