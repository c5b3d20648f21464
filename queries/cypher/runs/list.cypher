// The load runs that changed the graph, newest first.
//
// Parameters:
//   $limit  integer  how many runs, e.g. 20
//
// Returns, one row per run (properties of the LoadRun node):
//   id, kind, agent, status, sources  strings
//   startedAt, finishedAt             ISO 8601 date-times
//   created, updated, deleted         integers: nodes and relationships the run changed
MATCH (r:LoadRun)
RETURN r.id AS id, r.kind AS kind, r.agent AS agent, r.status AS status,
       r.sources AS sources, r.startedAt AS startedAt, r.finishedAt AS finishedAt,
       r.created AS created, r.updated AS updated, r.deleted AS deleted
ORDER BY startedAt DESC, id DESC
LIMIT $limit
