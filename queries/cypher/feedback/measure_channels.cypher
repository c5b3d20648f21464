// Monthly CSAT, NPS and CES of the channels $channels, computed from every scored feedback
// given on them: about one of their touchpoints (Feedback-ABOUT->Touchpoint-VIA->Channel)
// or about the channel as a whole (Feedback-VIA->Channel). One Measurement per channel,
// metric and month (id "m-channel-<channel>-<metric>-<YYYY-MM>", phase "after", dated the
// first of the month), Measurement-OF->Channel; values as in feedback/measure.
// A measurement whose value and sample size did not change is left as it is.
//
// Parameters:
//   $channels  list<string>  channels of new feedback or of its touchpoints, e.g. ["ch-phone"]
//   $source    string        provenance source, e.g. "feedback:feedback.csv"
//   $loadRun   string        id of the load run
//
// Returns one row:
//   measurements  integer    measurements of those channels (new, changed or not)
//   changed       integer    of which new or changed by this call
//   kept          list<map>  each of them, {id: measurement id, of: channel id}
UNWIND $channels AS channelId
MATCH (ch:Channel {id: channelId})
WITH ch
// one hop: feedback about the channel as a whole (VIA); two: about one of its touchpoints
// (ABOUT, then the touchpoint's VIA). No other path of these types ends at a channel.
MATCH (ch)<-[:VIA|ABOUT*1..2]-(f:Feedback)
WHERE f.metric IS NOT NULL AND f.score IS NOT NULL
WITH ch, f.metric AS metric, substring(f.date, 0, 7) AS month, collect(f.score) AS scores
WITH ch, metric, month, size(scores) AS answers,
     CASE metric
       WHEN 'nps' THEN round(100.0 * (size([s IN scores WHERE s >= 9])
                                      - size([s IN scores WHERE s <= 6])) / size(scores))
       ELSE round(100.0 * reduce(total = 0.0, s IN scores | total + s) / size(scores)) / 100.0
     END AS value
MERGE (m:Measurement {id: 'm-channel-' + ch.id + '-' + metric + '-' + month})
ON CREATE SET m.source = $source, m.metric = metric, m.phase = 'after', m.date = month + '-01'
WITH ch, m, value, answers, coalesce(m.value <> value OR m.sampleSize <> answers, true) AS changed
SET m.value = value, m.sampleSize = answers,
    m.loadRun = CASE WHEN changed THEN $loadRun ELSE m.loadRun END
MERGE (m)-[r:OF]->(ch)
ON CREATE SET r.source = $source, r.loadRun = $loadRun
RETURN count(m) AS measurements, sum(CASE WHEN changed THEN 1 ELSE 0 END) AS changed,
       collect({id: m.id, of: ch.id}) AS kept
