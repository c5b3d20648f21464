// Schema overview from the data: how many relationships of each type connect each pair of
// labels.
//
// Parameters: none
//
// Returns:
//   source  string   label of the start node
//   type    string   relationship type
//   target  string   label of the end node
//   count   integer  number of such relationships
MATCH (a)-[r]->(b)
RETURN labels(a)[0] AS source, type(r) AS type, labels(b)[0] AS target, count(*) AS count
ORDER BY source, type, target
