// Schema overview from the data: which property keys the nodes of each label carry, and on
// how many nodes.
//
// Parameters: none
//
// Returns:
//   label  string   node label
//   key    string   property key
//   nodes  integer  number of nodes of that label that carry the key
MATCH (n)
UNWIND keys(n) AS key
RETURN labels(n)[0] AS label, key, count(*) AS nodes
ORDER BY label, key
