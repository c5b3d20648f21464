// Monthly CSAT, NPS and CES of the channels $channels, computed from every scored feedback
// given on them: about one of their touchpoints (Feedback-ABOUT->Touchpoint-VIA->Channel)
// or about the channel as a whole (Feedback-VIA->Channel). One Measurement per channel,
// metric and month (id "m-channel-<channel>-<metric>-<YYYY-MM>", phase "after", dated the
// first of the month), Measurement-OF->Channel, compared with the measurement the graph
// holds; values as in feedback/measure, and written the same way.
//
// Parameters:
//   $channels  list<string>  channels of feedback or of its touchpoints, e.g. ["ch-phone"]
//
// Returns one row per measurement:
//   id          string   measurement id
//   of          string   channel id
//   metric      string   "csat", "nps" or "ces"
//   date        string   first day of the month, e.g. "2026-10-01"
//   value       float    the value
//   sampleSize  integer  scored feedback it is computed from
//   known       boolean  true when the graph holds a measurement with this id
//   same        boolean  true when it has this value and sample size
//   linked      boolean  true when the graph holds its OF relationship to the channel
UNWIND $channels AS channelId
MATCH (ch:Channel {id: channelId})
WITH ch
// one hop: feedback about the channel as a whole (VIA); two: about one of its touchpoints
// (ABOUT, then the touchpoint's VIA). No other path of these types ends at a channel.
MATCH (ch)<-[:VIA|ABOUT*1..2]-(f:Feedback)
WHERE f.metric IS NOT NULL AND f.score IS NOT NULL
WITH ch, f.metric AS metric, substring(f.date, 0, 7) AS month, collect(f.score) AS scores
WITH ch, metric, month, size(scores) AS answers,
     'm-channel-' + ch.id + '-' + metric + '-' + month AS id,
     CASE metric
       WHEN 'nps' THEN round(100.0 * (size([s IN scores WHERE s >= 9])
                                      - size([s IN scores WHERE s <= 6])) / size(scores))
       ELSE round(100.0 * reduce(total = 0.0, s IN scores | total + s) / size(scores)) / 100.0
     END AS value
OPTIONAL MATCH (m:Measurement {id: id})
OPTIONAL MATCH (m)-[of:OF]->(ch)
RETURN id, ch.id AS of, metric, month + '-01' AS date, value, answers AS sampleSize,
       m IS NOT NULL AS known, coalesce(m.value = value AND m.sampleSize = answers, false) AS same,
       of IS NOT NULL AS linked
