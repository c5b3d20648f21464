// Whether the graph holds any node at all (used before loading the demo data).
//
// Parameters: none
//
// Returns:
//   empty  boolean  true when there is no node
OPTIONAL MATCH (n)
WITH n LIMIT 1
RETURN n IS NULL AS empty
