//! `clausewatch reanalyse`: classifies every stored provision again and recomputes its automated
//! analyses (after a taxonomy or rubric change), one transaction per document. Fields an editor
//! wrote are never touched; provisions, lineages and changes stay as they are.
use std::collections::HashSet;

use sqlx::{PgConnection, PgPool};

use super::changes::{About, VersionProvisions, classify_provisions, store_topics};
use crate::db;

/// What a reanalysis did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReanalyseReport {
    pub documents: usize,
    pub provisions: usize,
    /// (provision, topic) pairs added or removed.
    pub topics_changed: usize,
    /// Analyses stored, changed or removed.
    pub analyses_updated: u64,
    /// Editor-written fields left as they were.
    pub editor_fields_kept: i64,
}

impl ReanalyseReport {
    /// One line for people: "12 documents, 840 provisions: 3 topics changed, …".
    pub fn summary(&self) -> String {
        format!(
            "{} documents, {} provisions: {} topics changed, {} analyses updated, {} editor fields kept",
            self.documents, self.provisions, self.topics_changed, self.analyses_updated, self.editor_fields_kept
        )
    }
}

/// Reanalyses the stored provisions of the documents (all, or those with this slug).
pub async fn reanalyse(pool: &PgPool, document: Option<&str>) -> anyhow::Result<ReanalyseReport> {
    let mut conn = pool.acquire().await?;
    let ids = db::documents::document_ids(&mut conn, document).await?;
    drop(conn);
    let mut report = ReanalyseReport::default();
    for document_id in ids {
        let mut tx = pool.begin().await?;
        db::documents::lock_document(&mut tx, document_id).await?;
        let about = About::of(&mut tx, document_id).await?;
        let mut previous = None;
        for version_id in db::versions::version_ids_of(&mut tx, document_id).await? {
            let version = VersionProvisions { version_id, previous_version_id: previous };
            reanalyse_version(&mut tx, &about, &version, &mut report).await?;
            previous = Some(version_id);
        }
        tx.commit().await?;
        report.documents += 1;
    }
    Ok(report)
}

async fn reanalyse_version(
    conn: &mut PgConnection,
    about: &About,
    version: &VersionProvisions,
    report: &mut ReanalyseReport,
) -> Result<(), sqlx::Error> {
    let rows = db::provisions::provisions_of(conn, version.version_id).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.provision_id).collect();
    let lineages: Vec<i64> = rows.iter().map(|r| r.lineage_id).collect();
    let provisions: Vec<_> = rows.iter().map(|r| r.to_provision()).collect();
    let classified = classify_provisions(about, &provisions, &ids, &lineages);

    let before: HashSet<(i64, String)> = db::provisions::topic_pairs(conn, &ids).await?.into_iter().collect();
    let after: HashSet<(i64, String)> = classified.topics.iter().map(|t| (t.provision_id, t.topic.clone())).collect();
    report.topics_changed += before.symmetric_difference(&after).count();

    db::provisions::delete_topics(conn, &ids).await?;
    report.analyses_updated += store_topics(conn, version, &classified).await?;
    let keep: Vec<(i64, String)> =
        classified.analyses.iter().map(|a| (a.lineage_id, a.analysis.topic.clone())).collect();
    report.analyses_updated += db::analyses::remove_stale(conn, version.version_id, &keep).await?;
    report.editor_fields_kept += db::analyses::edited_fields_of_version(conn, version.version_id).await?;
    report.provisions += rows.len();
    Ok(())
}
