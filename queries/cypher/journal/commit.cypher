// Commit unit of work $unit: from now on it is kept whole, even if its process dies
// before it has deleted its undo steps. The first SET locks the lock node, so the check
// after it reads the latest committed holder (see journal/take_over).
//
// Parameters:
//   $id     string  the lock's id, "graph"
//   $unit   string  the unit of work
//   $agent  string  who runs it
//
// Returns one row when $agent still held the lock for $unit, none when it had lost it:
//   unit  string
MATCH (u:UnitOfWork {id: $id})
SET u.heartbeatAt = u.heartbeatAt
WITH u
WHERE u.loadRun = $unit AND u.agent = $agent
SET u.status = 'committed'
RETURN u.loadRun AS unit
