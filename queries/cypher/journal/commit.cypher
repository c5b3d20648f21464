// Commit unit of work $unit: from now on it is kept whole, even if its process dies
// before it has deleted its undo steps.
//
// Parameters:
//   $id     string  the lock's id, "graph"
//   $unit   string  the unit of work
//   $agent  string  who runs it
//
// Returns one row when $unit still held the lock, none when $agent had lost it:
//   unit  string
MATCH (u:UnitOfWork {id: $id})
WHERE u.loadRun = $unit AND u.agent = $agent
SET u.status = 'committed'
RETURN u.loadRun AS unit
