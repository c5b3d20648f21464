// Say that the process running unit of work $unit is alive; also how it checks that it
// still holds the lock. The first SET locks the lock node, so the check after it reads the
// latest committed holder (see journal/take_over).
//
// Parameters:
//   $id     string  the lock's id, "graph"
//   $unit   string  the unit of work
//   $agent  string  who runs it
//
// Returns one row while $agent holds the lock for $unit, none once it lost it (another
// process took it over, see journal/take_over):
//   unit  string
MATCH (u:UnitOfWork {id: $id})
SET u.heartbeatAt = u.heartbeatAt
WITH u
WHERE u.loadRun = $unit AND u.agent = $agent
SET u.heartbeatAt = timestamp()
RETURN u.loadRun AS unit
