// Org roll-up of each team of $ids: the team, its parent units up to the top of the
// organisation, and every unit below it, with their leads and member counts.
//
// Parameters:
//   $ids  list<string>  team ids, e.g. ["team-field-ops"]
//
// Returns (ordered by team, then level, then unit id: the top unit first):
//   team          string     the team id the row answers for
//   unit          map        {id, name, kind, verifiedAt} of the team, an ancestor or a descendant
//   level         integer    PART_OF hops from the team: negative for ancestors (-1 the parent),
//                            0 the team itself, positive for units below it
//   parent        string     id of the unit's parent unit, null at the top
//   leads         list<map>  {id, name, title} of the people leading the unit, by id
//   members       integer    people who are members of the unit itself
//   totalMembers  integer    distinct people who are members of the unit or of a unit below it
UNWIND $ids AS teamId
MATCH (team:Team {id: teamId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH team
OPTIONAL MATCH up = (team)-[:PART_OF*1..]->(ancestor:Team)
WITH team, collect(CASE WHEN ancestor IS NOT NULL THEN {unit: ancestor, level: -length(up)} END)
     AS ancestors
MATCH down = (unit:Team)-[:PART_OF*0..]->(team)
WITH team, ancestors, collect({unit: unit, level: length(down)}) AS descendants
UNWIND ancestors + descendants AS entry
WITH team, entry.unit AS unit, entry.level AS level
OPTIONAL MATCH (unit)-[:PART_OF]->(parent:Team)
OPTIONAL MATCH (lead:Person)-[:LEADS]->(unit)
WITH team, unit, level, parent, lead
ORDER BY lead.id
WITH team, unit, level, parent,
     collect(CASE WHEN lead IS NOT NULL THEN lead {.id, .name, .title} END) AS leads
OPTIONAL MATCH (member:Person)-[:MEMBER_OF]->(unit)
WITH team, unit, level, parent, leads, count(member) AS members
OPTIONAL MATCH (anyMember:Person)-[:MEMBER_OF]->(:Team)-[:PART_OF*0..]->(unit)
RETURN team.id AS team, unit {.id, .name, .kind, .verifiedAt} AS unit, level,
       parent.id AS parent, leads, members, count(DISTINCT anyMember) AS totalMembers
ORDER BY team, level, unit.id
