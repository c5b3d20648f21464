// Release the lock that unit of work $unit holds, once its undo steps are deleted. The
// first SET locks the lock node, so the check after it reads the latest committed holder
// (see journal/take_over).
//
// Parameters:
//   $id     string  the lock's id, "graph"
//   $unit   string  the unit of work
//   $agent  string  who runs it
//
// Returns one row:
//   released  integer  1, or 0 when $agent did not hold it for $unit
MATCH (u:UnitOfWork {id: $id})
SET u.heartbeatAt = u.heartbeatAt
WITH u
WHERE u.loadRun = $unit AND u.agent = $agent
DELETE u
RETURN count(u) AS released
