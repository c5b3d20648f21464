// Monthly CSAT, NPS and CES of the touchpoints $touchpoints, computed from every scored
// feedback about them: one Measurement per touchpoint, metric and
// month (phase "after", dated the first of the month), Measurement-OF->Touchpoint.
// CSAT and CES are averages (2 decimals); NPS is % promoters (9-10) - % detractors (0-6).
// A measurement whose value and sample size did not change is left as it is.
//
// Parameters:
//   $touchpoints  list<string>  touchpoints that new feedback is about, e.g. ["tp-bb-order"]
//   $source       string        provenance source, e.g. "feedback:feedback.csv"
//   $loadRun      string        id of the load run
//
// Returns one row:
//   measurements  integer    measurements of those touchpoints (new, changed or not)
//   changed       integer    of which new or changed by this call
//   kept          list<map>  each of them, {id: measurement id, of: touchpoint id}
UNWIND $touchpoints AS touchpointId
MATCH (tp:Touchpoint {id: touchpointId})
// (a WITH here keeps FalkorDB from scanning every Feedback node for each touchpoint)
WITH tp
MATCH (tp)<-[:ABOUT]-(f:Feedback)
WHERE f.metric IS NOT NULL AND f.score IS NOT NULL
WITH tp, f.metric AS metric, substring(f.date, 0, 7) AS month, collect(f.score) AS scores
WITH tp, metric, month, size(scores) AS answers,
     CASE metric
       WHEN 'nps' THEN round(100.0 * (size([s IN scores WHERE s >= 9])
                                      - size([s IN scores WHERE s <= 6])) / size(scores))
       ELSE round(100.0 * reduce(total = 0.0, s IN scores | total + s) / size(scores)) / 100.0
     END AS value
MERGE (m:Measurement {id: 'm-' + tp.id + '-' + metric + '-' + month})
ON CREATE SET m.source = $source, m.metric = metric, m.phase = 'after', m.date = month + '-01'
WITH tp, m, value, answers, coalesce(m.value <> value OR m.sampleSize <> answers, true) AS changed
SET m.value = value, m.sampleSize = answers,
    m.loadRun = CASE WHEN changed THEN $loadRun ELSE m.loadRun END
MERGE (m)-[r:OF]->(tp)
ON CREATE SET r.source = $source, r.loadRun = $loadRun
RETURN count(m) AS measurements, sum(CASE WHEN changed THEN 1 ELSE 0 END) AS changed,
       collect({id: m.id, of: tp.id}) AS kept
