// The last $limit undo steps of unit of work $unit, the last first.
//
// Parameters:
//   $unit   string   the unit of work
//   $limit  integer  how many steps, e.g. 20
//
// Returns one row per step:
//   id, undo  strings (undo: JSON, a list of [query name, parameters])
MATCH (s:UndoStep)
WHERE s.loadRun = $unit
RETURN s.id AS id, s.undo AS undo
ORDER BY id DESC
LIMIT $limit
