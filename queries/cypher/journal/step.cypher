// Record what undoes the next write of unit of work $unit, before that write, as long as
// $agent holds the lock for it.
//
// Parameters:
//   $lock   string  the lock's id, "graph"
//   $unit   string  the unit of work
//   $agent  string  who runs it
//   $id     string  the step's id: the unit's and a 9-digit sequence number, e.g.
//                   "uow-5f0c2a/000000042"; undone in descending id order
//   $undo   string  JSON: a list of [query name, parameters] that undo the write
//
// Returns one row when the step is recorded, none when $agent lost the lock (the write
// must not run then):
//   id  string  the step's id
MATCH (u:UnitOfWork {id: $lock})
WHERE u.loadRun = $unit AND u.agent = $agent
MERGE (s:UndoStep {id: $id})
SET s.loadRun = $unit, s.undo = $undo
RETURN s.id AS id
