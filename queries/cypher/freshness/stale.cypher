// Freshness: the journeys, touchpoints, processes, systems, teams and opportunities that
// were never verified or last verified before $since, and the journeys and touchpoints
// whose owning team is in that state. Dates are 'YYYY-MM-DD' strings, compared as strings.
// One row per item and reason: a stale touchpoint with a stale owner gives two rows.
//
// Parameters:
//   $since  string  'YYYY-MM-DD': items verified before this day are stale, e.g. "2025-01-01"
//
// Returns (by label: Journey, Touchpoint, Process, System, Team, Opportunity, one part of
// the union each; within a label ordered by id, reason, owner id):
//   label       string  Journey | Touchpoint | Process | System | Team | Opportunity
//   item        map     {id, name} of the item
//   verifiedAt  string  the item's own verifiedAt, null if never verified
//   reason      string  not_verified (no verifiedAt) | verified_before ($since) |
//                       owner_stale (its owning team is not_verified or verified_before)
//   owner       map     {id, name, verifiedAt} of the stale owning team for owner_stale,
//                       else null
// (A union of one part per label: carrying every label's rows in one list through the next
// match made the engine copy that list on every row, 350 times slower at scale 1.)
MATCH (n:Journey)
OPTIONAL MATCH (n)<-[:OWNS]-(owner:Team)
WHERE owner.verifiedAt IS NULL OR owner.verifiedAt < $since
WITH n, collect(CASE WHEN owner IS NOT NULL THEN owner {.id, .name, .verifiedAt} END) AS owners
WITH n, owners, CASE WHEN n.verifiedAt IS NULL THEN 'not_verified'
                     WHEN n.verifiedAt < $since THEN 'verified_before' END AS own
UNWIND [reason IN [own] WHERE reason IS NOT NULL | {reason: reason, owner: null}]
       + [stale IN owners | {reason: 'owner_stale', owner: stale}] AS hit
RETURN 'Journey' AS label, n {.id, .name} AS item, n.verifiedAt AS verifiedAt,
       hit.reason AS reason, hit.owner AS owner
ORDER BY item.id, reason, owner.id
UNION ALL
MATCH (n:Touchpoint)
OPTIONAL MATCH (n)<-[:OWNS]-(owner:Team)
WHERE owner.verifiedAt IS NULL OR owner.verifiedAt < $since
WITH n, collect(CASE WHEN owner IS NOT NULL THEN owner {.id, .name, .verifiedAt} END) AS owners
WITH n, owners, CASE WHEN n.verifiedAt IS NULL THEN 'not_verified'
                     WHEN n.verifiedAt < $since THEN 'verified_before' END AS own
UNWIND [reason IN [own] WHERE reason IS NOT NULL | {reason: reason, owner: null}]
       + [stale IN owners | {reason: 'owner_stale', owner: stale}] AS hit
RETURN 'Touchpoint' AS label, n {.id, .name} AS item, n.verifiedAt AS verifiedAt,
       hit.reason AS reason, hit.owner AS owner
ORDER BY item.id, reason, owner.id
UNION ALL
MATCH (n:Process)
WHERE n.verifiedAt IS NULL OR n.verifiedAt < $since
RETURN 'Process' AS label, n {.id, .name} AS item, n.verifiedAt AS verifiedAt,
       CASE WHEN n.verifiedAt IS NULL THEN 'not_verified' ELSE 'verified_before' END AS reason,
       null AS owner
ORDER BY item.id
UNION ALL
MATCH (n:System)
WHERE n.verifiedAt IS NULL OR n.verifiedAt < $since
RETURN 'System' AS label, n {.id, .name} AS item, n.verifiedAt AS verifiedAt,
       CASE WHEN n.verifiedAt IS NULL THEN 'not_verified' ELSE 'verified_before' END AS reason,
       null AS owner
ORDER BY item.id
UNION ALL
MATCH (n:Team)
WHERE n.verifiedAt IS NULL OR n.verifiedAt < $since
RETURN 'Team' AS label, n {.id, .name} AS item, n.verifiedAt AS verifiedAt,
       CASE WHEN n.verifiedAt IS NULL THEN 'not_verified' ELSE 'verified_before' END AS reason,
       null AS owner
ORDER BY item.id
UNION ALL
MATCH (n:Opportunity)
WHERE n.verifiedAt IS NULL OR n.verifiedAt < $since
RETURN 'Opportunity' AS label, n {.id, .name} AS item, n.verifiedAt AS verifiedAt,
       CASE WHEN n.verifiedAt IS NULL THEN 'not_verified' ELSE 'verified_before' END AS reason,
       null AS owner
ORDER BY item.id
