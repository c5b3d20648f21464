// The links from feedback $ids to pain points that $source derived in an earlier load and
// that no longer hold: the feedback's category or touchpoint changed, or it is now about a
// channel. A load deletes them before linking its feedback by feedback/evidence, for a
// source whose EVIDENCES are all derived (a table, not an RDF file stating some itself).
//
// Parameters:
//   $ids     list<string>  feedback ids, e.g. ["fb-0001", "fb-0002"]
//   $source  string        provenance source, e.g. "feedback:feedback.csv"
//
// Returns one row per link that no longer holds:
//   from  string  feedback id
//   to    string  pain point id
UNWIND $ids AS id
MATCH (f:Feedback {id: id})-[old:EVIDENCES]->(was:PainPoint)
WHERE old.source = $source
OPTIONAL MATCH (f)-[:ABOUT]->(tp:Touchpoint)
WITH f, was, tp
OPTIONAL MATCH (tp)<-[still:OCCURS_AT]-(was)
WITH f, was, still, coalesce(was.category = f.category, false) AS sameCategory
WHERE still IS NULL OR NOT sameCategory
RETURN f.id AS from, was.id AS to
