// Start unit of work $unit in steps, unless one is under way: the UnitOfWork with id
// $id is the graph's write lock, taken by whoever creates it.
//
// Parameters:
//   $id         string  the lock's id, "graph"
//   $unit       string  a new unit of work's id, e.g. "uow-5f0c2a"
//   $agent      string  who runs it: host and process, e.g. "loader-1:4242"
//   $startedAt  string  ISO 8601 date-time
//
// Returns one row, about the unit of work that holds the lock (the new one, or the one
// under way):
//   unit, status, agent  strings
//   idleMs               integer: milliseconds since its process last said it is alive
MERGE (u:UnitOfWork {id: $id})
ON CREATE SET u.loadRun = $unit, u.status = 'running', u.agent = $agent,
              u.startedAt = $startedAt, u.heartbeatAt = timestamp()
RETURN u.loadRun AS unit, u.status AS status, u.agent AS agent,
       timestamp() - u.heartbeatAt AS idleMs
