//! Stored analyses of provisions (one per provision and topic) and the history of editors' changes.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use sqlx::types::Json;

use crate::domain::topic::Taxonomy;
use crate::pipeline::analyse::Analysis;
use crate::pipeline::analyse::review::{Edit, Reviewed};

/// The automated analysis of one (provision, topic), about to be stored.
#[derive(Debug, Clone)]
pub struct NewAnalysis {
    pub lineage_id: i64,
    pub analysis: Analysis,
}

/// Stores the automated analyses of a version's provisions. A row that exists keeps its editor
/// fields and gets the new automated analysis only when it differs. A new row whose provision
/// has the same text as in `previous_version_id` takes over that version's review. Returns how
/// many rows were inserted or changed.
pub async fn upsert_analyses(
    conn: &mut PgConnection,
    version_id: i64,
    previous_version_id: Option<i64>,
    analyses: &[NewAnalysis],
) -> Result<u64, sqlx::Error> {
    if analyses.is_empty() {
        return Ok(0);
    }
    let lineages: Vec<i64> = analyses.iter().map(|a| a.lineage_id).collect();
    let topics: Vec<&str> = analyses.iter().map(|a| a.analysis.topic.as_str()).collect();
    // jsonb travels as text, one string per row, like the other array binds of this crate.
    let json: Vec<String> = analyses.iter().map(|a| serde_json::to_string(&a.analysis).unwrap_or_default()).collect();
    sqlx::query(
        "insert into provision_analyses (version_id, lineage_id, topic, automated, edited, reviewed_at, reviewed_by)
         select $1, u.l, u.t, u.a::jsonb, coalesce(prev.edited, '{}'), prev.reviewed_at, prev.reviewed_by
         from unnest($2::bigint[], $3::text[], $4::text[]) as u(l, t, a)
         left join lateral (
             select pa.edited, pa.reviewed_at, pa.reviewed_by
             from provision_analyses pa
             join provisions op on op.version_id = pa.version_id and op.lineage_id = pa.lineage_id
             join provisions np on np.version_id = $1 and np.lineage_id = u.l
             where pa.version_id = $5 and pa.lineage_id = u.l and pa.topic = u.t
               and pa.reviewed_at is not null and op.sha256 = np.sha256
         ) prev on true
         on conflict (version_id, lineage_id, topic) do update set automated = excluded.automated
         where provision_analyses.automated is distinct from excluded.automated",
    )
    .bind(version_id)
    .bind(&lineages)
    .bind(&topics)
    .bind(&json)
    .bind(previous_version_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
}

/// Forgets the analyses of a version whose (lineage, topic) is not among `keep`, unless an editor
/// wrote some of their fields; returns how many went.
pub async fn remove_stale(
    conn: &mut PgConnection,
    version_id: i64,
    keep: &[(i64, String)],
) -> Result<u64, sqlx::Error> {
    let lineages: Vec<i64> = keep.iter().map(|(l, _)| *l).collect();
    let topics: Vec<&str> = keep.iter().map(|(_, t)| t.as_str()).collect();
    sqlx::query(
        "delete from provision_analyses pa where pa.version_id = $1 and pa.edited = '{}'
         and not exists (select 1 from unnest($2::bigint[], $3::text[]) as k(l, t)
                         where k.l = pa.lineage_id and k.t = pa.topic)",
    )
    .bind(version_id)
    .bind(&lineages)
    .bind(&topics)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
}

/// Forgets the analyses of a document whose provision no longer exists (after a rediff), unless an
/// editor wrote some of their fields.
pub async fn remove_orphans(conn: &mut PgConnection, document_id: i64) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "delete from provision_analyses pa using versions v
         where v.version_id = pa.version_id and v.document_id = $1 and pa.edited = '{}'
           and not exists (select 1 from provisions p where p.version_id = pa.version_id and p.lineage_id = pa.lineage_id)",
    )
    .bind(document_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
}

/// How many editor-written fields the analyses of a version have.
pub async fn edited_fields_of_version(conn: &mut PgConnection, version_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "select count(*) from provision_analyses pa, jsonb_object_keys(pa.edited) where pa.version_id = $1",
    )
    .bind(version_id)
    .fetch_one(conn)
    .await
}

/// Puts each editor-set exposure of a version onto its provision's topic, which pages count and
/// colour by.
pub async fn apply_editor_exposure(conn: &mut PgConnection, version_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update provision_topics pt set exposure = pa.edited->>'exposure'
         from provision_analyses pa
         join provisions pr on pr.version_id = pa.version_id and pr.lineage_id = pa.lineage_id
         where pa.version_id = $1 and pa.edited->>'exposure' is not null and pt.provision_id = pr.provision_id
           and pt.topic = pa.topic and pt.exposure is distinct from pa.edited->>'exposure'",
    )
    .bind(version_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A stored analysis with its review.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct AnalysisRow {
    pub version_id: i64,
    pub lineage_id: i64,
    pub topic: String,
    pub automated: Json<Analysis>,
    pub edited: Json<BTreeMap<String, String>>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

impl AnalysisRow {
    /// The analysis, with its topic's text from the built-in taxonomy, and the editor's fields.
    pub fn reviewed(&self) -> Reviewed {
        Reviewed::from_stored(self.automated.0.clone(), self.edited.0.clone(), Taxonomy::builtin())
    }
}

/// The stored analyses of a provision (its version and lineage), by topic.
pub async fn analyses_of(
    conn: &mut PgConnection,
    version_id: i64,
    lineage_id: i64,
) -> Result<Vec<AnalysisRow>, sqlx::Error> {
    sqlx::query_as(
        "select version_id, lineage_id, topic, automated, edited, reviewed_at from provision_analyses
         where version_id = $1 and lineage_id = $2 order by topic",
    )
    .bind(version_id)
    .bind(lineage_id)
    .fetch_all(conn)
    .await
}

/// One stored analysis, locked for the rest of the transaction.
pub async fn analysis_for_update(
    conn: &mut PgConnection,
    version_id: i64,
    lineage_id: i64,
    topic: &str,
) -> Result<Option<AnalysisRow>, sqlx::Error> {
    sqlx::query_as(
        "select version_id, lineage_id, topic, automated, edited, reviewed_at from provision_analyses
         where version_id = $1 and lineage_id = $2 and topic = $3 for update",
    )
    .bind(version_id)
    .bind(lineage_id)
    .bind(topic)
    .fetch_optional(conn)
    .await
}

/// Records an editor's review: the fields as they now are, who and when, and one history row
/// per changed field.
pub async fn save_review(
    conn: &mut PgConnection,
    row: &AnalysisRow,
    reviewed: &Reviewed,
    user_id: i64,
    edits: &[Edit],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update provision_analyses set edited = $4, reviewed_at = now(), reviewed_by = $5
         where version_id = $1 and lineage_id = $2 and topic = $3",
    )
    .bind(row.version_id)
    .bind(row.lineage_id)
    .bind(&row.topic)
    .bind(Json(&reviewed.edited))
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    for edit in edits {
        sqlx::query(
            "insert into analysis_edits (version_id, lineage_id, topic, field, previous_text, new_text, user_id)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(row.version_id)
        .bind(row.lineage_id)
        .bind(&row.topic)
        .bind(edit.field.slug())
        .bind(&edit.previous)
        .bind(&edit.new)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One change an editor made to an analysis of a lineage.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EditRow {
    pub version_id: i64,
    pub topic: String,
    pub field: String,
    pub previous_text: String,
    pub new_text: String,
    /// The editor's email; None once their account is deleted.
    pub editor: Option<String>,
    pub edited_at: DateTime<Utc>,
}

/// Every change editors made to the analyses of a lineage, newest first.
pub async fn edits_of_lineage(conn: &mut PgConnection, lineage_id: i64) -> Result<Vec<EditRow>, sqlx::Error> {
    sqlx::query_as(
        "select e.version_id, e.topic, e.field, e.previous_text, e.new_text, u.email as editor, e.edited_at
         from analysis_edits e left join users u on u.user_id = e.user_id
         where e.lineage_id = $1 order by e.edited_at desc, e.analysis_edit_id desc",
    )
    .bind(lineage_id)
    .fetch_all(conn)
    .await
}
