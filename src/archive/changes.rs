//! What happens in the transaction that stores a new version: its provisions are segmented,
//! aligned with the previous version's, given lineages, and the change between them is stored.
//! `rediff` recomputes all of it for stored history, reusing lineage ids so links stay valid.
use std::collections::{HashMap, HashSet, VecDeque};

use sqlx::{PgConnection, PgPool};

use super::{compare, severity};
use crate::db::{
    self,
    analyses::NewAnalysis,
    provisions::{ChangeRefs, TopicRow},
    versions::VersionRow,
};
use crate::domain::{
    provision::Provision,
    topic::{Exposure, Taxonomy},
};
use crate::pipeline::analyse::{analyse, fact_changes, find};
use crate::pipeline::diff::{self, Chrome, Importance, ProvisionChange, variant::region};
use crate::pipeline::facts::Source;
use crate::pipeline::{classify::Classifier, segment::segment};

/// What storing a version's provisions did.
#[derive(Debug, Clone)]
pub struct Stored {
    pub provisions: usize,
    /// The change from the previous version, when there was one and it was not empty.
    pub change: Option<(i64, diff::ChangeClass, String)>,
}

impl Stored {
    /// A short note for reports: "substantive: §4 Use: added …".
    pub fn note(&self) -> String {
        match &self.change {
            Some((_, class, summary)) => format!("{}: {summary}", db::provisions::class_str(*class)),
            None => format!("first version, {} provisions", self.provisions),
        }
    }
}

/// Lineage ids to hand out before creating new ones (during a rediff).
#[derive(Debug, Default)]
pub struct Lineages {
    reusable: VecDeque<i64>,
}

impl Lineages {
    async fn take(&mut self, conn: &mut PgConnection, document_id: i64, n: usize) -> Result<Vec<i64>, sqlx::Error> {
        let reused = n.min(self.reusable.len());
        let mut ids: Vec<i64> = self.reusable.drain(..reused).collect();
        ids.extend(db::provisions::insert_lineages(conn, document_id, n - reused).await?);
        Ok(ids)
    }
}

/// Runs in the transaction that stored `version_id` after `previous`, with the platform's
/// stored chrome.
pub async fn after_new_version(
    conn: &mut PgConnection,
    document_id: i64,
    previous: Option<&VersionRow>,
    version_id: i64,
    text: &str,
) -> Result<Stored, sqlx::Error> {
    let platform_id = db::chrome::platform_of(conn, document_id).await?;
    let chrome = db::chrome::chrome_of(conn, platform_id).await?;
    let version = NewText { document_id, version_id, text };
    let stored = store_provisions(conn, &version, previous, &mut Lineages::default(), &chrome).await?;
    crate::metrics::version_stored(stored.change.as_ref().map(|(_, class, _)| db::provisions::class_str(*class)));
    Ok(stored)
}

/// A stored version whose provisions are to be computed.
#[derive(Debug, Clone, Copy)]
pub struct NewText<'a> {
    pub document_id: i64,
    pub version_id: i64,
    pub text: &'a str,
}

/// Segments the version's text, links it to its baseline's provisions (the previous good
/// version, or the latest of its regional variant) and stores both, with the change from
/// `previous` when there is one.
pub async fn store_provisions(
    conn: &mut PgConnection,
    version: &NewText<'_>,
    previous: Option<&VersionRow>,
    lineages: &mut Lineages,
    chrome: &Chrome,
) -> Result<Stored, sqlx::Error> {
    let new = segment(version.text);
    let variant = region(version.text);
    db::versions::set_variant(conn, version.version_id, variant.as_deref()).await?;
    let base = match previous {
        Some(prev) => compare::baseline(conn, prev, variant.as_deref()).await?,
        None => None,
    };
    let (old_rows, old): (Vec<db::provisions::ProvisionRow>, Vec<Provision>) = match &base {
        Some(base) => {
            let rows = db::provisions::provisions_of(conn, base.version.version_id).await?;
            let plain = if rows.is_empty() {
                segment(&base.version.text)
            } else {
                rows.iter().map(|r| r.to_provision()).collect()
            };
            (rows, plain)
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut change = diff::diff_with(&old, &new, chrome);
    if let Some(base) = &base {
        diff::settle_chrome(&mut change, &base.version.text, version.text, chrome);
    }
    let old_lineages: Vec<i64> = old_rows.iter().map(|r| r.lineage_id).collect();
    let mut new_lineages: Vec<Option<i64>> = vec![None; new.len()];
    if !old_lineages.is_empty() {
        for link in &change.links {
            new_lineages[link.next] = Some(old_lineages[link.prev]);
        }
    }
    let missing = new_lineages.iter().filter(|l| l.is_none()).count();
    let mut fresh = lineages.take(conn, version.document_id, missing).await?.into_iter();
    let new_lineages: Vec<i64> =
        new_lineages.into_iter().map(|l| l.or_else(|| fresh.next()).unwrap_or_default()).collect();
    let new_ids = db::provisions::insert_provisions(conn, version.version_id, &new, &new_lineages).await?;
    let provisions = VersionProvisions {
        version_id: version.version_id,
        previous_version_id: base.as_ref().map(|b| b.version.version_id),
    };
    let about = About::of(conn, version.document_id).await?;
    let classified = classify_provisions(&about, &new, &new_ids, &new_lineages);
    store_topics(conn, &provisions, &classified).await?;
    let mut stored = Stored { provisions: new.len(), change: None };
    let (Some(prev), Some(base)) = (previous, base.filter(|_| !old_rows.is_empty())) else { return Ok(stored) };
    let old_ids: Vec<i64> = old_rows.iter().map(|r| r.provision_id).collect();
    let old_topics = db::provisions::topic_exposures(conn, &old_ids).await?;
    let topics_of = |pc: &ProvisionChange| -> Vec<(String, Option<Exposure>)> {
        match (pc.prev, pc.next) {
            (_, Some(j)) => classified
                .topics
                .iter()
                .filter(|t| t.provision_id == new_ids[j])
                .map(|t| (t.topic.clone(), t.exposure))
                .collect(),
            (Some(i), None) => old_topics.iter().filter(|t| t.0 == old_ids[i]).map(|t| (t.1.clone(), t.2)).collect(),
            (None, None) => Vec::new(),
        }
    };
    let importance = |pc: &ProvisionChange| {
        let level = |e: Option<Exposure>| e.map_or(0, |e| e as u8 + 1);
        let new = topics_of(pc).into_iter().map(|(_, e)| level(e)).max().unwrap_or(0);
        let old = pc
            .prev
            .map_or(0, |i| old_topics.iter().filter(|t| t.0 == old_ids[i]).map(|t| level(t.2)).max().unwrap_or(0));
        Importance { exposure: old.max(new) }
    };
    let Some(mut summary) = compare::verdict(&base, &old, &new, &mut change, &importance) else { return Ok(stored) };
    let altered =
        FactsAltered { about: &about, old: &old, new_lineages: &new_lineages, classified: &classified }.of(&change);
    if change.class == diff::ChangeClass::Substantive
        && let Some(headline) = FactsAltered::headline(&altered)
    {
        summary = format!("{headline}. {summary}");
    }
    let altered_topics: HashSet<(usize, String)> = altered.into_iter().map(|(i, topic, _)| (i, topic)).collect();
    let severity = severity::severity(&change, &topics_of, &altered_topics);
    let refs = ChangeRefs {
        document_id: version.document_id,
        from_version_id: prev.version_id,
        to_version_id: version.version_id,
        old_ids: &old_ids,
        new_ids: &new_ids,
        old_lineages: &old_lineages,
        new_lineages: &new_lineages,
    };
    let change_id = db::provisions::insert_change(conn, &refs, &change, &summary, severity).await?;
    stored.change = Some((change_id, change.class, summary));
    Ok(stored)
}

/// How many altered facts a headline names at most.
const FACT_HEADLINE_ITEMS: usize = 2;

/// What a change did to the facts of the provisions it modified, to lead its headline.
struct FactsAltered<'a> {
    about: &'a About,
    old: &'a [Provision],
    new_lineages: &'a [i64],
    classified: &'a Classified,
}

impl FactsAltered<'_> {
    /// The facts each modified provision change altered: (provision change index, topic, line),
    /// the line reading "Training on user content, on by default: no → yes".
    fn of(&self, change: &diff::Change) -> Vec<(usize, String, String)> {
        let taxonomy = Taxonomy::builtin();
        let mut altered = Vec::new();
        for (index, pc) in change.provisions.iter().enumerate() {
            let (Some(i), Some(j)) = (pc.prev, pc.next) else { continue };
            let lineage = self.new_lineages[j];
            let before = &self.old[i];
            let source = Source {
                heading_path: &before.heading_path,
                text: &before.text,
                terms_type: self.about.terms_type.as_deref(),
            };
            for new in
                self.classified.analyses.iter().filter(|a| a.lineage_id == lineage && !a.analysis.facts.is_empty())
            {
                let topic = &new.analysis.topic;
                let name = taxonomy.get(topic).map_or(topic.as_str(), |t| t.name.as_str());
                let was = crate::pipeline::facts::read(topic, &source);
                for line in fact_changes(name, topic, &was, &new.analysis.facts) {
                    altered.push((index, topic.clone(), line));
                }
            }
        }
        altered
    }

    /// "Training on user content, on by default: no → yes; …", or None when no fact changed.
    fn headline(altered: &[(usize, String, String)]) -> Option<String> {
        let mut lines: Vec<&str> = Vec::new();
        for (_, _, line) in altered {
            if !lines.contains(&line.as_str()) {
                lines.push(line);
            }
        }
        let shown: Vec<&str> = lines.into_iter().take(FACT_HEADLINE_ITEMS).collect();
        (!shown.is_empty()).then(|| shown.join("; "))
    }
}

/// A version whose provisions are being classified, and the version before it (whose editor
/// reviews carry over to provisions with unchanged text).
#[derive(Debug, Clone, Copy)]
pub struct VersionProvisions {
    pub version_id: i64,
    pub previous_version_id: Option<i64>,
}

/// The document whose provisions are analysed: its platform names the subject of summaries, its
/// terms type tells whose content the provisions are about.
#[derive(Debug, Clone, Default)]
pub struct About {
    pub platform_name: String,
    pub terms_type: Option<String>,
}

impl About {
    /// The platform and terms type of a stored document.
    pub async fn of(conn: &mut PgConnection, document_id: i64) -> Result<About, sqlx::Error> {
        let document = db::documents::document_by_id(conn, document_id).await?;
        Ok(document
            .map_or_else(About::default, |d| About { platform_name: d.platform_name, terms_type: Some(d.terms_type) }))
    }
}

/// The topics and automated analyses of a version's provisions.
#[derive(Debug, Default)]
pub struct Classified {
    pub topics: Vec<TopicRow>,
    pub analyses: Vec<NewAnalysis>,
}

/// Classifies each provision (ids and lineages in the same order) and composes the analysis of
/// each topic, with the exposure the rubric gives this provision's wording.
pub fn classify_provisions(about: &About, provisions: &[Provision], ids: &[i64], lineages: &[i64]) -> Classified {
    let (classifier, taxonomy) = (Classifier::builtin(), Taxonomy::builtin());
    let platform = if about.platform_name.is_empty() { "The platform" } else { about.platform_name.as_str() };
    let mut classified = Classified::default();
    for ((provision, id), lineage_id) in provisions.iter().zip(ids).zip(lineages) {
        let source = Source {
            heading_path: &provision.heading_path,
            text: &provision.text,
            terms_type: about.terms_type.as_deref(),
        };
        let found = find(&classifier, &source);
        let analyses = analyse(taxonomy, &found, &source, platform);
        for m in found.into_iter().map(|f| f.topic) {
            let exposure = analyses.iter().find(|a| a.topic == m.topic).map(|a| a.exposure);
            classified.topics.push(TopicRow {
                provision_id: *id,
                topic: m.topic,
                confidence: m.confidence,
                evidence: m.evidence,
                exposure,
            });
        }
        classified
            .analyses
            .extend(analyses.into_iter().map(|analysis| NewAnalysis { lineage_id: *lineage_id, analysis }));
    }
    classified
}

/// Stores the topics and analyses of a version's provisions (analyses keep their editor fields);
/// an exposure an editor set wins over the rubric's. Returns how many analyses were stored or changed.
pub async fn store_topics(
    conn: &mut PgConnection,
    version: &VersionProvisions,
    classified: &Classified,
) -> Result<u64, sqlx::Error> {
    db::provisions::insert_topics(conn, &classified.topics).await?;
    let stored =
        db::analyses::upsert_analyses(conn, version.version_id, version.previous_version_id, &classified.analyses)
            .await?;
    db::analyses::apply_editor_exposure(conn, version.version_id).await?;
    Ok(stored)
}

/// What a rediff did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RediffReport {
    pub documents: usize,
    pub versions: usize,
    pub changes: usize,
    /// Versions dropped because their text equalled the version before them.
    pub repeated: u64,
}

/// Recomputes provisions, lineages and changes of the stored history of the documents (all,
/// or those with this slug), without sending anything: learns each platform's chrome again,
/// drops versions that repeat the one before them (one chain per document, whatever the
/// imports), diffs each version with its baseline and reads its stated date again.
pub async fn rediff(pool: &PgPool, document: Option<&str>) -> anyhow::Result<RediffReport> {
    let ids = db::documents::document_ids(&mut *pool.acquire().await?, document).await?;
    let report = rediff_documents(pool, &ids).await?;
    // Versions of other documents stored before their date lines were kept.
    super::stated_dates::backfill(pool).await?;
    Ok(report)
}

/// [`rediff`] of these documents.
pub async fn rediff_documents(pool: &PgPool, ids: &[i64]) -> anyhow::Result<RediffReport> {
    let mut report = RediffReport::default();
    let mut chromes: HashMap<i64, Chrome> = HashMap::new();
    for &document_id in ids {
        let mut tx = pool.begin().await?;
        db::documents::lock_document(&mut tx, document_id).await?;
        let platform_id = db::chrome::platform_of(&mut tx, document_id).await?;
        let chrome = match chromes.get(&platform_id) {
            Some(chrome) => chrome.clone(),
            None => {
                db::chrome::refresh(&mut tx, platform_id).await?;
                let chrome = db::chrome::chrome_of(&mut tx, platform_id).await?;
                chromes.insert(platform_id, chrome.clone());
                chrome
            }
        };
        let mut lineages = Lineages { reusable: db::provisions::clear_document(&mut tx, document_id).await?.into() };
        report.repeated += db::versions::delete_repeated(&mut tx, document_id).await?;
        let versions = db::versions::versions_of(&mut tx, document_id).await?;
        let mut previous: Option<&VersionRow> = None;
        for version in &versions {
            let text = NewText { document_id, version_id: version.version_id, text: &version.text };
            let stored = store_provisions(&mut tx, &text, previous, &mut lineages, &chrome).await?;
            report.changes += usize::from(stored.change.is_some());
            previous = Some(version);
        }
        // The date lines again, as the reader reads them now.
        let dates: Vec<(i64, Option<String>)> =
            versions.iter().map(|v| (v.version_id, crate::pipeline::diff::stated_date(&v.text))).collect();
        db::versions::set_stated_dates(&mut tx, &dates).await?;
        // Analyses of provisions the recomputation no longer has (editors' work is kept).
        db::analyses::remove_orphans(&mut tx, document_id).await?;
        // Lineages no provision uses any more.
        sqlx::query("delete from lineages l where document_id = $1 and not exists (select 1 from provisions p where p.lineage_id = l.lineage_id)")
            .bind(document_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        report.documents += 1;
        report.versions += versions.len();
    }
    Ok(report)
}
