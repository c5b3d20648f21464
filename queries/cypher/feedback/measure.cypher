// Monthly CSAT, NPS and CES of the touchpoints $touchpoints, computed from every scored
// feedback about them: one Measurement per touchpoint, metric and month (id
// "m-<touchpoint>-<metric>-<YYYY-MM>", phase "after", dated the first of the month),
// Measurement-OF->Touchpoint, compared with the measurement the graph holds.
// CSAT and CES are averages (2 decimals); NPS is % promoters (9-10) - % detractors (0-6).
// Loads and recordFeedback write the rows that are not `same` or not `linked`
// (queries/measures.py).
//
// Parameters:
//   $touchpoints  list<string>  touchpoints that feedback is about, e.g. ["tp-bb-order"]
//
// Returns one row per measurement:
//   id          string   measurement id
//   of          string   touchpoint id
//   metric      string   "csat", "nps" or "ces"
//   date        string   first day of the month, e.g. "2026-10-01"
//   value       float    the value
//   sampleSize  integer  scored feedback it is computed from
//   known       boolean  true when the graph holds a measurement with this id
//   same        boolean  true when it has this value and sample size
//   linked      boolean  true when the graph holds its OF relationship to the touchpoint
UNWIND $touchpoints AS touchpointId
MATCH (tp:Touchpoint {id: touchpointId})
// (a WITH here keeps FalkorDB from scanning every Feedback node for each touchpoint)
WITH tp
MATCH (tp)<-[:ABOUT]-(f:Feedback)
WHERE f.metric IS NOT NULL AND f.score IS NOT NULL
WITH tp, f.metric AS metric, substring(f.date, 0, 7) AS month, collect(f.score) AS scores
WITH tp, metric, month, size(scores) AS answers,
     'm-' + tp.id + '-' + metric + '-' + month AS id,
     CASE metric
       WHEN 'nps' THEN round(100.0 * (size([s IN scores WHERE s >= 9])
                                      - size([s IN scores WHERE s <= 6])) / size(scores))
       ELSE round(100.0 * reduce(total = 0.0, s IN scores | total + s) / size(scores)) / 100.0
     END AS value
OPTIONAL MATCH (m:Measurement {id: id})
OPTIONAL MATCH (m)-[of:OF]->(tp)
RETURN id, tp.id AS of, metric, month + '-01' AS date, value, answers AS sampleSize,
       m IS NOT NULL AS known, coalesce(m.value = value AND m.sampleSize = answers, false) AS same,
       of IS NOT NULL AS linked
