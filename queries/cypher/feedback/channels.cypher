// The channels of the touchpoints $touchpoints (Touchpoint-VIA->Channel), whose
// measurements a feedback load about those touchpoints recomputes.
//
// Parameters:
//   $touchpoints  list<string>  touchpoint ids, e.g. ["tp-bb-order", "tp-bb-book-slot"]
//
// Returns one row per channel:
//   channel  string  channel id
UNWIND $touchpoints AS touchpointId
MATCH (:Touchpoint {id: touchpointId})-[:VIA]->(ch:Channel)
RETURN DISTINCT ch.id AS channel
