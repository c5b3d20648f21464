// Delete up to $limit undo steps of unit of work $unit: once it has committed, or once
// they are undone.
//
// Parameters:
//   $unit   string   the unit of work
//   $limit  integer  how many steps at most, e.g. 1000
//
// Returns one row:
//   deleted  integer  how many steps were deleted (fewer than $limit: none is left)
MATCH (s:UndoStep)
WHERE s.loadRun = $unit
WITH s LIMIT $limit
DELETE s
RETURN count(*) AS deleted
