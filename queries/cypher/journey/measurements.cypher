// The measurements of each journey of $ids as a whole (Measurement-OF->Journey, such as its
// NPS), beside the per-stage ones of journey/emotion_curve.
//
// Parameters:
//   $ids  list<string>  journey ids, e.g. ["j-biz-dispute-move"]
//
// Returns (ordered by journey, metric, phase, date with undated first, measurement id):
//   journey     string   the journey id the row answers for
//   metric      string   csat | nps | ces | emotion
//   phase       string   before | during | after
//   value       float    the measured value on the metric's scale
//   sampleSize  integer  number of answers it is based on, null if not known
//   date        string   'YYYY-MM-DD' the measurement was taken, null if not known
UNWIND $ids AS journeyId
MATCH (journey:Journey {id: journeyId})
// (a WITH after the indexed MATCH keeps FalkorDB on the index)
WITH journey
MATCH (journey)<-[:OF]-(m:Measurement)
RETURN journey.id AS journey, m.metric AS metric, m.phase AS phase, m.value AS value,
       m.sampleSize AS sampleSize, m.date AS date
ORDER BY journey, metric, phase, coalesce(date, ''), m.id
