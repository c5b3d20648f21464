// Take over the lock of unit of work $unit, whose process ($seen) died, to finish it. The
// first SET locks the node, so the check after it reads the latest committed agent: of two
// processes taking over at once, one gets the lock and the other no row.
//
// Parameters:
//   $id     string  the lock's id, "graph"
//   $unit   string  the unit of work
//   $seen   string  the agent found holding it
//   $agent  string  who takes it over
//
// Returns one row when $agent now holds the lock, none when another process took it:
//   unit  string
MATCH (u:UnitOfWork {id: $id})
SET u.heartbeatAt = u.heartbeatAt
WITH u
WHERE u.loadRun = $unit AND u.agent = $seen
SET u.agent = $agent, u.heartbeatAt = timestamp()
RETURN u.loadRun AS unit
