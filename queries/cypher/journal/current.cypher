// The unit of work in steps under way (or left by a process that died), if any.
//
// Parameters: none
//
// Returns at most one row:
//   id, unit, status, agent, startedAt  strings
//   idleMs                              integer: milliseconds since its process last
//                                       said it is alive
MATCH (u:UnitOfWork)
RETURN u.id AS id, u.loadRun AS unit, u.status AS status, u.agent AS agent,
       u.startedAt AS startedAt, timestamp() - u.heartbeatAt AS idleMs
ORDER BY id
