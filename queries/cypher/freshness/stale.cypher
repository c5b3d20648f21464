// Freshness: the journeys, touchpoints, processes, systems, teams and opportunities that
// were never verified or last verified before $since, and the journeys and touchpoints
// whose owning team is in that state. Dates are 'YYYY-MM-DD' strings, compared as strings.
// One row per item and reason: a stale touchpoint with a stale owner gives two rows.
//
// Parameters:
//   $since  string  'YYYY-MM-DD': items verified before this day are stale, e.g. "2025-01-01"
//
// Returns (ordered by label: Journey, Touchpoint, Process, System, Team, Opportunity; then
// id, reason, owner id):
//   label       string  Journey | Touchpoint | Process | System | Team | Opportunity
//   item        map     {id, name} of the item
//   verifiedAt  string  the item's own verifiedAt, null if never verified
//   reason      string  not_verified (no verifiedAt) | verified_before ($since) |
//                       owner_stale (its owning team is not_verified or verified_before)
//   owner       map     {id, name, verifiedAt} of the stale owning team for owner_stale,
//                       else null
OPTIONAL MATCH (journey:Journey)
WHERE journey.verifiedAt IS NULL OR journey.verifiedAt < $since
WITH collect({label: 'Journey', item: journey {.id, .name}, verifiedAt: journey.verifiedAt,
              found: journey IS NOT NULL}) AS found
OPTIONAL MATCH (tp:Touchpoint)
WHERE tp.verifiedAt IS NULL OR tp.verifiedAt < $since
WITH found, collect({label: 'Touchpoint', item: tp {.id, .name}, verifiedAt: tp.verifiedAt,
                     found: tp IS NOT NULL}) AS more
WITH found + more AS found
OPTIONAL MATCH (process:Process)
WHERE process.verifiedAt IS NULL OR process.verifiedAt < $since
WITH found, collect({label: 'Process', item: process {.id, .name},
                     verifiedAt: process.verifiedAt, found: process IS NOT NULL}) AS more
WITH found + more AS found
OPTIONAL MATCH (system:System)
WHERE system.verifiedAt IS NULL OR system.verifiedAt < $since
WITH found, collect({label: 'System', item: system {.id, .name}, verifiedAt: system.verifiedAt,
                     found: system IS NOT NULL}) AS more
WITH found + more AS found
OPTIONAL MATCH (team:Team)
WHERE team.verifiedAt IS NULL OR team.verifiedAt < $since
WITH found, collect({label: 'Team', item: team {.id, .name}, verifiedAt: team.verifiedAt,
                     found: team IS NOT NULL}) AS more
WITH found + more AS found
OPTIONAL MATCH (opportunity:Opportunity)
WHERE opportunity.verifiedAt IS NULL OR opportunity.verifiedAt < $since
WITH found, collect({label: 'Opportunity', item: opportunity {.id, .name},
                     verifiedAt: opportunity.verifiedAt,
                     found: opportunity IS NOT NULL}) AS more
WITH found + more AS found
OPTIONAL MATCH (staleOwner:Team)-[:OWNS]->(owned)
WHERE (staleOwner.verifiedAt IS NULL OR staleOwner.verifiedAt < $since)
      AND (owned:Journey OR owned:Touchpoint)
WITH found, collect({label: CASE WHEN owned:Journey THEN 'Journey' ELSE 'Touchpoint' END,
                     item: owned {.id, .name}, verifiedAt: owned.verifiedAt,
                     owner: staleOwner {.id, .name, .verifiedAt},
                     found: owned IS NOT NULL}) AS more
UNWIND found + more AS stale
WITH stale
WHERE stale.found
RETURN stale.label AS label, stale.item AS item, stale.verifiedAt AS verifiedAt,
       CASE WHEN stale.owner IS NOT NULL THEN 'owner_stale'
            WHEN stale.verifiedAt IS NULL THEN 'not_verified'
            ELSE 'verified_before' END AS reason,
       stale.owner AS owner
ORDER BY CASE label
           WHEN 'Journey' THEN 0 WHEN 'Touchpoint' THEN 1 WHEN 'Process' THEN 2
           WHEN 'System' THEN 3 WHEN 'Team' THEN 4 ELSE 5
         END, item.id, reason, owner.id
