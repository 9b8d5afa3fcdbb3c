//! "Similar wording on other platforms": every platform's current provisions with their topics
//! and words, read once per archive generation (`page_cache`) and kept in memory, so a provision
//! page compares its text with them without a query and without reading hundreds of texts again.
//! Beside them, each fact topic's comparison table of every platform, for the same reason.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::facts_view::FactTable;
use crate::db::pages::facts::topics_facts;
use crate::db::pages::provisions::{CurrentProvisionRow, current_provisions_with_topics};
use crate::pipeline::align::Words;
use crate::pipeline::facts::SCHEMA;
use crate::startup::AppState;

/// How many other platforms a page quotes.
const PEERS: usize = 3;

/// A current provision, ready to be compared.
pub struct Candidate {
    pub row: CurrentProvisionRow,
    words: Words,
}

impl Candidate {
    pub fn new(row: CurrentProvisionRow) -> Candidate {
        let words = Words::of(&row.text);
        Candidate { row, words }
    }

    /// Its most confident topic among `topics`, with the confidence.
    fn topic_among(&self, topics: &[String]) -> Option<(&str, f32)> {
        let row = &self.row;
        row.topics.iter().zip(&row.confidences).find(|(t, _)| topics.contains(t)).map(|(t, c)| (t.as_str(), *c))
    }
}

/// The candidates of one archive generation, and its fact tables by topic.
pub struct Candidates {
    generation: Option<i64>,
    all: Vec<Candidate>,
    facts: HashMap<&'static str, FactTable>,
}

/// Another platform's provision quoted on a page, with the topic it shares.
pub struct Peer<'a> {
    pub row: &'a CurrentProvisionRow,
    pub topic: &'a str,
}

impl Candidates {
    /// Every platform's facts on `topic` (a topic with facts), as one table.
    pub fn fact_table(&self, topic: &str) -> Option<&FactTable> {
        self.facts.get(topic)
    }

    /// The provisions of platforms other than `platform_id` on any of `topics` most like `text`
    /// in wording, one per platform, most alike first (shared words, as the aligner counts them;
    /// the more confident topic breaks a tie).
    pub fn most_similar<'a>(&'a self, text: &str, topics: &[String], platform_id: i64) -> Vec<Peer<'a>> {
        if topics.is_empty() {
            return Vec::new();
        }
        let mine = Words::of(text);
        let mut scored: Vec<(f32, f32, Peer<'a>)> = self
            .all
            .iter()
            .filter(|c| c.row.platform_id != platform_id)
            .filter_map(|c| {
                let (topic, confidence) = c.topic_among(topics)?;
                Some((mine.overlap(&c.words), confidence, Peer { row: &c.row, topic }))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
        let mut seen = Vec::with_capacity(PEERS);
        scored
            .into_iter()
            .filter(|(_, _, peer)| {
                let first = !seen.contains(&peer.row.platform_id);
                if first {
                    seen.push(peer.row.platform_id);
                }
                first
            })
            .take(PEERS)
            .map(|(_, _, peer)| peer)
            .collect()
    }
}

/// The candidates, kept for as long as the archive does not change.
#[derive(Default)]
pub struct PeerIndex {
    built: RwLock<Option<Arc<Candidates>>>,
    building: tokio::sync::Mutex<()>,
}

impl PeerIndex {
    /// The candidates of the archive as it is now: kept ones while the page cache's generation
    /// has not moved, else read afresh (by one request at a time; while the cache does not
    /// listen for changes, by every request).
    pub async fn candidates(&self, state: &AppState) -> Result<Arc<Candidates>, sqlx::Error> {
        let generation = state.page_cache.generation();
        let kept = || {
            let built = self.built.read().unwrap_or_else(|e| e.into_inner());
            built.as_ref().filter(|c| generation.is_some() && c.generation == generation).cloned()
        };
        if let Some(candidates) = kept() {
            return Ok(candidates);
        }
        let _building = self.building.lock().await;
        if let Some(candidates) = kept() {
            return Ok(candidates);
        }
        let mut conn = state.pool.acquire().await?;
        let rows = current_provisions_with_topics(&mut conn).await?;
        let topics: Vec<&'static str> = SCHEMA.iter().map(|schema| schema.topic).collect();
        let fact_rows = topics_facts(&mut conn, &topics).await?;
        // The rows come ordered by topic: one slice per topic that has any.
        let by_topic: Vec<&[_]> = fact_rows.chunk_by(|a, b| a.topic == b.topic).collect();
        let facts: HashMap<&'static str, FactTable> = topics
            .iter()
            .map(|&topic| {
                let rows = by_topic.iter().find(|rows| rows[0].topic == topic).copied().unwrap_or_default();
                (topic, FactTable::new(topic, rows))
            })
            .collect();
        drop(conn);
        // A few milliseconds once per change to the archive: not worth a blocking thread.
        let all = rows.into_iter().map(Candidate::new).collect();
        let candidates = Arc::new(Candidates { generation, all, facts });
        *self.built.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&candidates));
        Ok(candidates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(platform_id: i64, text: &str, topics: &[(&str, f32)]) -> Candidate {
        Candidate::new(CurrentProvisionRow {
            platform_id,
            platform_slug: format!("p{platform_id}"),
            platform_name: format!("P{platform_id}"),
            document_slug: "terms".into(),
            terms_type: "Terms".into(),
            lineage_id: platform_id * 100 + text.len() as i64,
            text: text.into(),
            topics: topics.iter().map(|(t, _)| (*t).to_owned()).collect(),
            confidences: topics.iter().map(|(_, c)| *c).collect(),
        })
    }

    #[test]
    fn peers_are_the_most_alike_provision_on_the_topic_of_each_other_platform() {
        let text = "We may use your conversations to train our models unless you opt out.";
        let training = [("ai-training", 0.9)];
        let candidates = Candidates {
            generation: None,
            facts: HashMap::new(),
            all: vec![
                candidate(1, "We may use your conversations to train our models unless you opt out.", &training),
                candidate(2, "Payment is due monthly.", &[("ai-training", 0.9)]),
                candidate(
                    2,
                    "We use your conversations to train models unless you opt out in settings.",
                    &[("ai-training", 0.5)],
                ),
                candidate(3, "Your content may be used to improve our services.", &[("ai-training", 0.7)]),
                candidate(4, "We do not train on your conversations.", &[("data-sharing", 0.6), ("ai-training", 0.4)]),
                candidate(5, "We may use your conversations to train our models.", &[("arbitration", 0.9)]),
            ],
        };
        let peers = candidates.most_similar(text, &["ai-training".to_owned()], 1);
        let order: Vec<(i64, &str)> = peers.iter().map(|p| (p.row.platform_id, &p.row.text[..12])).collect();
        assert_eq!(peers.len(), 3, "{order:?}");
        assert_eq!(order[0], (2, "We use your "), "the alike provision, not the more confident one");
        assert_eq!(peers[1].row.platform_id, 4, "a provision with the topic among others");
        assert_eq!(peers[1].topic, "ai-training");
        assert!(order.iter().all(|(p, _)| *p != 1 && *p != 5), "not its own platform, not another topic");
        assert!(candidates.most_similar(text, &[], 1).is_empty());
    }
}
