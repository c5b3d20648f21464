// The opportunities (improvement initiatives) addressing each pain point of $ids, with the
// teams that own them and every pain point each one addresses.
// One row per pain point and opportunity; a pain point without any gives no row (see
// painpoint/without_opportunity).
//
// Parameters:
//   $ids  list<string>  pain point ids, e.g. ["pp-switch-hidden-fees"]
//
// Returns (ordered by pain point, opportunity id):
//   painPoint    string     the pain point id the row answers for
//   opportunity  map        {id, name, description, status, verifiedAt}; status is idea |
//                           planned | in_progress | done
//   owners       list<map>  {id, name} of the teams owning the opportunity, by id
//   addresses    list<map>  {id, name, severity} of all the pain points it addresses
//                           (this one included), by id
UNWIND $ids AS painPointId
MATCH (pp:PainPoint {id: painPointId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH pp
MATCH (pp)<-[:ADDRESSES]-(opportunity:Opportunity)
OPTIONAL MATCH (opportunity)<-[:OWNS]-(owner:Team)
WITH pp, opportunity, owner
ORDER BY owner.id
WITH pp, opportunity, collect(CASE WHEN owner IS NOT NULL THEN owner {.id, .name} END) AS owners
MATCH (opportunity)-[:ADDRESSES]->(addressed:PainPoint)
WITH pp, opportunity, owners, addressed
ORDER BY addressed.id
WITH pp, opportunity, owners, collect(addressed {.id, .name, .severity}) AS addresses
RETURN pp.id AS painPoint,
       opportunity {.id, .name, .description, .status, .verifiedAt} AS opportunity,
       owners, addresses
ORDER BY painPoint, opportunity.id
