//! Provisions, lineages and changes.
use sqlx::PgConnection;

use crate::domain::provision::Provision;
use crate::domain::topic::Exposure;
use crate::pipeline::diff::{Change, ChangeClass, ChangeKind};

/// A stored provision with its lineage.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProvisionRow {
    pub provision_id: i64,
    pub version_id: i64,
    pub lineage_id: i64,
    pub ordinal: i32,
    pub key: String,
    pub heading_path: Vec<String>,
    pub clause: Option<String>,
    pub title: Option<String>,
    pub text: String,
    pub sha256: String,
}

impl ProvisionRow {
    /// The plain provision, as the pipeline takes it.
    pub fn to_provision(&self) -> Provision {
        Provision {
            ordinal: usize::try_from(self.ordinal).unwrap_or_default(),
            key: self.key.clone(),
            heading_path: self.heading_path.clone(),
            clause: self.clause.clone(),
            title: self.title.clone(),
            text: self.text.clone(),
            sha256: self.sha256.clone(),
        }
    }
}

/// The provisions of a version, in order.
pub async fn provisions_of(conn: &mut PgConnection, version_id: i64) -> Result<Vec<ProvisionRow>, sqlx::Error> {
    sqlx::query_as(
        "select provision_id, version_id, lineage_id, ordinal, key, heading_path, clause, title, text, sha256
         from provisions where version_id = $1 order by ordinal",
    )
    .bind(version_id)
    .fetch_all(conn)
    .await
}

/// Creates `n` lineages for a document, returning their ids in creation order.
pub async fn insert_lineages(conn: &mut PgConnection, document_id: i64, n: usize) -> Result<Vec<i64>, sqlx::Error> {
    if n == 0 {
        return Ok(Vec::new());
    }
    sqlx::query_scalar("insert into lineages (document_id) select $1 from generate_series(1, $2) returning lineage_id")
        .bind(document_id)
        .bind(i32::try_from(n).unwrap_or(i32::MAX))
        .fetch_all(conn)
        .await
}

/// Stores the provisions of a version with their lineages, in one statement; returns their ids
/// in the order given.
pub async fn insert_provisions(
    conn: &mut PgConnection,
    version_id: i64,
    provisions: &[Provision],
    lineages: &[i64],
) -> Result<Vec<i64>, sqlx::Error> {
    let ordinals: Vec<i32> = (0..provisions.len()).map(|i| i32::try_from(i).unwrap_or(i32::MAX)).collect();
    let keys: Vec<&str> = provisions.iter().map(|p| p.key.as_str()).collect();
    // Postgres arrays cannot be ragged: the heading path travels as one string per provision.
    let paths: Vec<String> =
        provisions.iter().map(|p| serde_json::to_string(&p.heading_path).unwrap_or_default()).collect();
    let clauses: Vec<Option<&str>> = provisions.iter().map(|p| p.clause.as_deref()).collect();
    let titles: Vec<Option<&str>> = provisions.iter().map(|p| p.title.as_deref()).collect();
    let texts: Vec<&str> = provisions.iter().map(|p| p.text.as_str()).collect();
    let shas: Vec<&str> = provisions.iter().map(|p| p.sha256.as_str()).collect();
    sqlx::query_scalar(
        "insert into provisions (version_id, lineage_id, ordinal, key, heading_path, clause, title, text, sha256)
         select $1, l, o, k, array(select jsonb_array_elements_text(h::jsonb)), c, t, x, s
         from unnest($2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
              as u(l, o, k, h, c, t, x, s)
         order by o
         returning provision_id",
    )
    .bind(version_id)
    .bind(lineages)
    .bind(&ordinals)
    .bind(&keys)
    .bind(&paths)
    .bind(&clauses)
    .bind(&titles)
    .bind(&texts)
    .bind(&shas)
    .fetch_all(conn)
    .await
}

/// The stored spelling of a change class.
pub fn class_str(class: ChangeClass) -> &'static str {
    class.as_str()
}

/// The stored spelling of a provision change kind.
pub fn kind_str(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Modified => "modified",
        ChangeKind::Moved => "moved",
        ChangeKind::Renumbered => "renumbered",
    }
}

/// Ids of the provisions a change refers to, by index in the old and new versions.
pub struct ChangeRefs<'a> {
    pub document_id: i64,
    pub from_version_id: i64,
    pub to_version_id: i64,
    pub old_ids: &'a [i64],
    pub new_ids: &'a [i64],
    pub old_lineages: &'a [i64],
    pub new_lineages: &'a [i64],
}

/// Stores a change (with its one-line summary) and its provision changes; returns the change id.
pub async fn insert_change(
    conn: &mut PgConnection,
    refs: &ChangeRefs<'_>,
    change: &Change,
    summary: &str,
    severity: Option<Exposure>,
) -> Result<i64, sqlx::Error> {
    let change_id: i64 = sqlx::query_scalar(
        "insert into changes (document_id, from_version_id, to_version_id, class, summary, severity)
         values ($1, $2, $3, $4, $5, $6) returning change_id",
    )
    .bind(refs.document_id)
    .bind(refs.from_version_id)
    .bind(refs.to_version_id)
    .bind(class_str(change.class))
    .bind(summary)
    .bind(severity.map(Exposure::slug))
    .fetch_one(&mut *conn)
    .await?;
    // One statement for all the provision changes: a large change has hundreds.
    let pcs = &change.provisions;
    let ordinals: Vec<i32> = (0..pcs.len()).map(|i| i32::try_from(i).unwrap_or(i32::MAX)).collect();
    let lineages: Vec<Option<i64>> = pcs
        .iter()
        .map(|pc| pc.next.map(|i| refs.new_lineages[i]).or_else(|| pc.prev.map(|i| refs.old_lineages[i])))
        .collect();
    let old_ids: Vec<Option<i64>> = pcs.iter().map(|pc| pc.prev.map(|i| refs.old_ids[i])).collect();
    let new_ids: Vec<Option<i64>> = pcs.iter().map(|pc| pc.next.map(|i| refs.new_ids[i])).collect();
    let words: Vec<serde_json::Value> =
        pcs.iter().map(|pc| serde_json::to_value(&pc.words).unwrap_or_default()).collect();
    sqlx::query(
        "insert into provision_changes (change_id, ordinal, kind, class, lineage_id, old_provision_id,
             new_provision_id, key, label, summary, words)
         select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[],
             $8::text[], $9::text[], $10::text[], $11::jsonb[])",
    )
    .bind(change_id)
    .bind(&ordinals)
    .bind(pcs.iter().map(|pc| kind_str(pc.kind)).collect::<Vec<_>>())
    .bind(pcs.iter().map(|pc| class_str(pc.class)).collect::<Vec<_>>())
    .bind(&lineages)
    .bind(&old_ids)
    .bind(&new_ids)
    .bind(pcs.iter().map(|pc| pc.key.as_str()).collect::<Vec<_>>())
    .bind(pcs.iter().map(|pc| pc.label.as_str()).collect::<Vec<_>>())
    .bind(pcs.iter().map(|pc| pc.summary.as_str()).collect::<Vec<_>>())
    .bind(&words)
    .execute(&mut *conn)
    .await?;
    Ok(change_id)
}

/// Forgets the provisions and changes of a document (before recomputing them); returns the
/// lineage ids it had, oldest first, so the recomputation can reuse them.
pub async fn clear_document(conn: &mut PgConnection, document_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query("delete from changes where document_id = $1").bind(document_id).execute(&mut *conn).await?;
    sqlx::query("delete from provisions p using versions v where p.version_id = v.version_id and v.document_id = $1")
        .bind(document_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar("select lineage_id from lineages where document_id = $1 order by lineage_id")
        .bind(document_id)
        .fetch_all(conn)
        .await
}

/// One classified topic of a stored provision.
#[derive(Debug, Clone)]
pub struct TopicRow {
    pub provision_id: i64,
    pub topic: String,
    pub confidence: f32,
    pub evidence: Vec<String>,
    /// None for topics the taxonomy does not analyse.
    pub exposure: Option<Exposure>,
}

/// Stores the topics of provisions.
pub async fn insert_topics(conn: &mut PgConnection, topics: &[TopicRow]) -> Result<(), sqlx::Error> {
    if topics.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = topics.iter().map(|t| t.provision_id).collect();
    let slugs: Vec<&str> = topics.iter().map(|t| t.topic.as_str()).collect();
    let confidences: Vec<f32> = topics.iter().map(|t| t.confidence.clamp(0.01, 1.0)).collect();
    // Ragged arrays cannot be bound: each provision's evidence travels as one JSON string.
    let evidence: Vec<String> = topics.iter().map(|t| serde_json::to_string(&t.evidence).unwrap_or_default()).collect();
    let exposures: Vec<Option<&str>> = topics.iter().map(|t| t.exposure.map(Exposure::slug)).collect();
    sqlx::query(
        "insert into provision_topics (provision_id, topic, confidence, evidence, exposure)
         select p, t, c, array(select jsonb_array_elements_text(e::jsonb)), x
         from unnest($1::bigint[], $2::text[], $3::real[], $4::text[], $5::text[]) as u(p, t, c, e, x)
         on conflict do nothing",
    )
    .bind(&ids)
    .bind(&slugs)
    .bind(&confidences)
    .bind(&evidence)
    .bind(&exposures)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The topics of these provisions with the exposure each was given, as (provision id, topic,
/// exposure); exposure is None for topics the taxonomy does not analyse.
pub async fn topic_exposures(
    conn: &mut PgConnection,
    provision_ids: &[i64],
) -> Result<Vec<(i64, String, Option<Exposure>)>, sqlx::Error> {
    let rows: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("select provision_id, topic, exposure from provision_topics where provision_id = any($1)")
            .bind(provision_ids)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(id, topic, e)| (id, topic, e.as_deref().and_then(Exposure::from_slug))).collect())
}

/// The (provision id, topic) pairs stored for these provisions.
pub async fn topic_pairs(conn: &mut PgConnection, provision_ids: &[i64]) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("select provision_id, topic from provision_topics where provision_id = any($1)")
        .bind(provision_ids)
        .fetch_all(conn)
        .await
}

/// Forgets the topics of these provisions (before classifying them again).
pub async fn delete_topics(conn: &mut PgConnection, provision_ids: &[i64]) -> Result<(), sqlx::Error> {
    sqlx::query("delete from provision_topics where provision_id = any($1)")
        .bind(provision_ids)
        .execute(conn)
        .await
        .map(|_| ())
}
